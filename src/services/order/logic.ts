import type { CancelReason, OrderItem, SagaEvent } from '../../events/schema.js';
import { added, outgoing, type Outgoing, type Topology } from '../outgoing.js';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'FAILED';

/** A request to place an order, as the load generator sends it. */
export interface PlaceOrder {
  orderId: string;
  customerId: string;
  items: OrderItem[];
}

export interface OrderRecord {
  orderId: string;
  amount: number;
  status: OrderStatus;
  reason?: CancelReason;
  payment?: 'confirmed' | 'failed';
  inventory?: 'reserved' | 'failed';
  released: boolean;
  refunded: boolean;
  /** Kept to re-emit order.created.v1 after a crash. */
  customerId: string;
  items: OrderItem[];
  /** eventId of the latest fact, the cause of the terminal event. */
  lastEventId: string;
  /** eventId of the fact that concluded the saga. */
  concludedBy?: string;
  /** Why a FAILED saga failed. */
  failure?: string;
  /** Epoch ms at which the order was placed; the saga timeout counts from here. */
  createdAt: number;
}

export interface OrderStep {
  record: OrderRecord | undefined;
  emit: Outgoing[];
}

export const ORDER_CONSUMES = [
  'payment.confirmed.v1',
  'payment.failed.v1',
  'payment.refunded.v1',
  'inventory.reserved.v1',
  'inventory.failed.v1',
  'inventory.released.v1',
] as const;

export function orderAmount(items: readonly OrderItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

/**
 * The events a record's state stands for. A step emits those it adds; after a crash the shell
 * re-emits them all, and the deterministic message ids let JetStream drop what already went out.
 */
export function orderEvents(r: OrderRecord | undefined): Outgoing[] {
  switch (r?.status) {
    case undefined:
      return [];
    case 'PENDING':
      return [outgoing('order.created.v1', r.orderId, r.orderId, { customerId: r.customerId, items: r.items, amount: r.amount })];
    case 'CONFIRMED':
      return [outgoing('order.confirmed.v1', r.orderId, r.concludedBy ?? r.lastEventId, { amount: r.amount })];
    case 'CANCELLED':
      return [outgoing('order.cancelled.v1', r.orderId, r.concludedBy ?? r.lastEventId, { reason: r.reason ?? 'payment_failed' })];
    case 'FAILED':
      return [outgoing('order.failed.v1', r.orderId, r.concludedBy ?? r.lastEventId, { reason: r.failure ?? 'timeout' })];
  }
}

function step(prev: OrderRecord | undefined, record: OrderRecord): OrderStep {
  return { record, emit: added(orderEvents(prev), orderEvents(record)) };
}

/** Placing an order creates it PENDING and starts the saga. Placing the same id again changes nothing. */
export function placeOrder(prev: OrderRecord | undefined, cmd: PlaceOrder, now: number): OrderStep {
  if (prev) return { record: prev, emit: [] };
  return step(prev, {
    orderId: cmd.orderId,
    amount: orderAmount(cmd.items),
    status: 'PENDING',
    customerId: cmd.customerId,
    items: cmd.items,
    released: false,
    refunded: false,
    lastEventId: cmd.orderId,
    createdAt: now,
  });
}

/**
 * Records an outcome and concludes the saga once the outcome is certain and every needed
 * compensation has been confirmed, so the terminal event means "all effects are settled".
 * Facts about unknown orders, and late facts about finished ones, change no status.
 */
export function reduceOrder(prev: OrderRecord | undefined, event: SagaEvent, topology: Topology): OrderStep {
  if (!prev) return { record: prev, emit: [] };
  const record: OrderRecord = { ...prev };
  switch (event.type) {
    case 'payment.confirmed.v1':
      record.payment ??= 'confirmed';
      break;
    case 'payment.failed.v1':
      record.payment ??= 'failed';
      break;
    case 'payment.refunded.v1':
      record.refunded = true;
      break;
    case 'inventory.reserved.v1':
      record.inventory ??= 'reserved';
      break;
    case 'inventory.failed.v1':
      record.inventory ??= 'failed';
      break;
    case 'inventory.released.v1':
      record.released = true;
      break;
    default:
      return { record: prev, emit: [] };
  }
  record.lastEventId = event.eventId;
  if (record.status !== 'PENDING') return { record, emit: [] };
  const verdict = conclude(record, topology);
  if (!verdict) return { record, emit: [] };
  record.concludedBy = event.eventId;
  if (verdict === 'CONFIRMED') record.status = 'CONFIRMED';
  else {
    record.status = 'CANCELLED';
    record.reason = verdict;
  }
  return step(prev, record);
}

/**
 * A saga still PENDING `timeoutMs` after it was placed ends FAILED. order.failed.v1 makes payment
 * refund and inventory release whatever they did; replies that arrive later change no status.
 */
export function expireOrder(record: OrderRecord, now: number, timeoutMs: number): OrderStep {
  if (record.status !== 'PENDING' || now - record.createdAt < timeoutMs) return { record, emit: [] };
  return step(record, {
    ...record,
    status: 'FAILED',
    concludedBy: record.lastEventId,
    failure: `timeout: not finished within ${timeoutMs} ms`,
  });
}

function conclude(r: OrderRecord, topology: Topology): 'CONFIRMED' | CancelReason | undefined {
  if (topology === 'sequential' && r.inventory === 'failed') return 'out_of_stock';
  if (r.payment === undefined || r.inventory === undefined) return undefined;
  if (r.payment === 'confirmed' && r.inventory === 'reserved') return 'CONFIRMED';
  if (r.payment === 'failed' && r.inventory === 'failed') return 'payment_and_stock';
  if (r.payment === 'failed') return r.released ? 'payment_failed' : undefined;
  return r.refunded ? 'out_of_stock' : undefined;
}
