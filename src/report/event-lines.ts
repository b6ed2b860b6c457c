import type { SagaEvent } from '../events/schema.js';
import type { EventType } from '../events/subjects.js';

/** How an event reads at a glance: a step forward, a failure, or an undo. */
export type EventKind = 'start' | 'success' | 'failure' | 'compensation';

export function kindOf(type: EventType): EventKind {
  if (type === 'order.created.v1') return 'start';
  if (type.endsWith('.failed.v1') || type === 'order.cancelled.v1') return 'failure';
  if (type === 'payment.refunded.v1' || type === 'inventory.released.v1') return 'compensation';
  return 'success';
}

const money = (cents: number) => (cents / 100).toFixed(2);

/** The payload's fields a reader wants, in a few words. */
export function keyFields(event: SagaEvent): string {
  switch (event.type) {
    case 'order.created.v1':
      return `customer ${event.payload.customerId} · ${event.payload.items.length} item(s) · ${money(event.payload.amount)}`;
    case 'order.confirmed.v1':
      return money(event.payload.amount);
    case 'order.cancelled.v1':
    case 'order.failed.v1':
    case 'payment.failed.v1':
      return event.payload.reason;
    case 'payment.confirmed.v1':
    case 'payment.refunded.v1':
      return `${event.payload.transactionId} · ${money(event.payload.amount)}`;
    case 'inventory.reserved.v1':
    case 'inventory.released.v1':
      return event.payload.items.map((i) => `${i.productId}×${i.quantity}`).join(' ');
    case 'inventory.failed.v1':
      return `${event.payload.reason} (${event.payload.productIds.join(', ')})`;
  }
}

/** One line of `saga-sim events`: time, order, event, key fields. */
export function eventLine(event: SagaEvent, at: Date, paint: (kind: EventKind, text: string) => string = (_k, t) => t): string {
  const time = at.toISOString().slice(11, 23);
  return `${time}  ${event.orderId.padEnd(14)}  ${paint(kindOf(event.type), event.type.padEnd(22))}  ${keyFields(event)}`;
}

/** One JSON line of `saga-sim events --json`. */
export function eventJson(event: SagaEvent, at: Date, subject: string): string {
  return JSON.stringify({ at: at.toISOString(), subject, orderId: event.orderId, type: event.type, eventId: event.eventId, payload: event.payload });
}

/** `saga-sim trace`: one saga's events in stream order, with the time since the first and the gap since the previous. */
export function traceLines(orderId: string, events: readonly { event: SagaEvent; at: Date; seq: number }[]): string[] {
  if (events.length === 0) return [`no events for order ${orderId} in the stream`];
  const start = events[0]?.at.getTime() ?? 0;
  const terminal = events.find((e) => ['order.confirmed.v1', 'order.cancelled.v1', 'order.failed.v1'].includes(e.event.type));
  const status = terminal ? terminal.event.type.split('.')[1]?.toUpperCase() : 'PENDING';
  const span = (events.at(-1)?.at.getTime() ?? start) - start;
  const lines = [`order ${orderId} · ${status} · ${events.length} events over ${span} ms`];
  let previous = start;
  for (const { event, at, seq } of events) {
    const t = at.getTime();
    lines.push(`  +${String(t - start).padStart(6)} ms  (gap ${String(t - previous).padStart(5)} ms)  ${event.type.padEnd(22)}  ${keyFields(event)}  [seq ${seq}]`);
    previous = t;
  }
  return lines;
}
