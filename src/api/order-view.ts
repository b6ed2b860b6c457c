import type { TerminalSeen } from '../engine/observer.js';
import type { EventType } from '../events/subjects.js';
import { orderAmount, type OrderStatus, type PlaceOrder } from '../services/order/logic.js';

export interface OrderEntry {
  order: PlaceOrder;
  status: OrderStatus;
  reason?: string;
  /** Epoch ms the API accepted it. */
  placedAt: number;
  updatedAt: number;
  /** Each distinct saga event about it, as it crossed NATS. */
  timeline: { event: EventType; at: number }[];
}

const TERMINAL: Partial<Record<EventType, OrderStatus>> = {
  'order.confirmed.v1': 'CONFIRMED',
  'order.cancelled.v1': 'CANCELLED',
  'order.failed.v1': 'FAILED',
};

/** The orders placed through the API, as the saga events on NATS tell them, for GET /orders. */
export class OrderView {
  private readonly entries = new Map<string, OrderEntry>();

  /** `capacity`: orders kept; the oldest are forgotten first, so a long `up` keeps a flat memory. */
  constructor(private readonly capacity = 100_000) {}

  placed(order: PlaceOrder, at: number): OrderEntry {
    const entry: OrderEntry = { order, status: 'PENDING', placedAt: at, updatedAt: at, timeline: [] };
    this.entries.set(order.orderId, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  /** A placement the order service refused: it never happened. */
  forget(orderId: string): void {
    this.entries.delete(orderId);
  }

  /** An event seen on NATS; orders placed elsewhere are not this API's. */
  event(seen: TerminalSeen, at: number): OrderEntry | undefined {
    const entry = this.entries.get(seen.orderId);
    if (!entry) return undefined;
    entry.timeline.push({ event: seen.type, at });
    entry.updatedAt = at;
    const status = TERMINAL[seen.type];
    if (status) {
      entry.status = status;
      if (seen.reason) entry.reason = seen.reason;
    }
    return entry;
  }

  get(orderId: string): OrderEntry | undefined {
    return this.entries.get(orderId);
  }

  /** Newest first. */
  list(status: OrderStatus | undefined, limit: number): OrderEntry[] {
    const out: OrderEntry[] = [];
    const all = [...this.entries.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = all[i] as OrderEntry;
      if (!status || entry.status === status) out.push(entry);
    }
    return out;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** An entry as the API shows it: the design's fields, decimal money, and the saga timeline. */
export function orderJson(entry: OrderEntry): Record<string, unknown> {
  const { order } = entry;
  return {
    orderId: order.orderId,
    status: entry.status,
    ...(entry.reason ? { reason: entry.reason } : {}),
    customerId: order.customerId,
    items: order.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPrice: i.unitPrice / 100 })),
    totalAmount: orderAmount(order.items) / 100,
    createdAt: new Date(entry.placedAt).toISOString(),
    updatedAt: new Date(entry.updatedAt).toISOString(),
    timeline: entry.timeline.map((t) => ({ event: t.event, at: new Date(t.at).toISOString(), afterMs: Math.round(t.at - entry.placedAt) })),
  };
}
