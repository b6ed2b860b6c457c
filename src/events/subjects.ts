/** The ten saga events. The subject of each event is its type, versioned. */
export const EVENT_TYPES = [
  'order.created.v1',
  'order.confirmed.v1',
  'order.cancelled.v1',
  'order.failed.v1',
  'payment.confirmed.v1',
  'payment.failed.v1',
  'payment.refunded.v1',
  'inventory.reserved.v1',
  'inventory.failed.v1',
  'inventory.released.v1',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const TERMINAL_TYPES = ['order.confirmed.v1', 'order.cancelled.v1', 'order.failed.v1'] as const;
export type TerminalType = (typeof TERMINAL_TYPES)[number];

const TERMINAL_SET: ReadonlySet<string> = new Set(TERMINAL_TYPES);
export function isTerminalType(type: string): type is TerminalType {
  return TERMINAL_SET.has(type);
}

/** JetStream message id: retries of the same event for the same order are de-duplicated by the server. */
export function messageId(orderId: string, type: EventType): string {
  return `${orderId}:${type}`;
}
