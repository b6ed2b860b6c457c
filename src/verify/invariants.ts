import type { ServiceSnapshot } from '../services/service.js';
import { TERMINAL_TYPES } from '../events/subjects.js';
import type { TraceBook } from './trace.js';

export interface InvariantResult {
  name: string;
  passed: boolean;
  /** What was checked, or the first few violations. */
  details: string;
}

export interface InvariantInput {
  /** Every order id the load generator placed. */
  placed: readonly string[];
  order: Extract<ServiceSnapshot, { service: 'order' }>;
  payment: Extract<ServiceSnapshot, { service: 'payment' }>;
  inventory: Extract<ServiceSnapshot, { service: 'inventory' }>;
  observed: TraceBook;
  /**
   * core: delivery is at most once, so an order.created.v1 may be lost in transit; the saga must
   * then still end exactly once (by timeout) with nothing held. Losses are counted, not failed.
   */
  delivery?: 'jetstream' | 'core';
}

/** Violations listed per invariant before the rest are summarised as a count. */
const MAX_LISTED = 5;

export function checkInvariants(input: InvariantInput): InvariantResult[] {
  const status = new Map(input.order.orders.map((o) => [o.orderId, o.status]));
  const charges = new Map<string, { charges: number; net: number }>();
  for (const tx of input.payment.transactions) {
    const entry = charges.get(tx.orderId) ?? { charges: 0, net: 0 };
    if (tx.kind === 'charge') {
      entry.charges++;
      entry.net += tx.amount;
    } else entry.net -= tx.amount;
    charges.set(tx.orderId, entry);
  }
  const held = new Map<string, number>();
  for (const r of input.inventory.reservations) if (!r.released) held.set(r.orderId, (held.get(r.orderId) ?? 0) + 1);

  return [
    check('no order left PENDING', input.placed, (id) => {
      const s = status.get(id);
      return s === undefined ? `${id} never created` : s === 'PENDING' ? `${id} PENDING` : undefined;
    }),
    stockConserved(input, status),
    check('a CANCELLED or FAILED order holds no reservation and no net charge', input.placed, (id) => {
      if (status.get(id) !== 'CANCELLED' && status.get(id) !== 'FAILED') return undefined;
      const net = charges.get(id)?.net ?? 0;
      if (held.has(id)) return `${id} still holds a reservation`;
      return net !== 0 ? `${id} has a net charge of ${net} cents` : undefined;
    }),
    check('a CONFIRMED order has exactly one charge and one reservation', input.placed, (id) => {
      if (status.get(id) !== 'CONFIRMED') return undefined;
      const c = charges.get(id);
      if (c?.charges !== 1 || c.net <= 0) return `${id} has ${c?.charges ?? 0} charges, net ${c?.net ?? 0}`;
      return held.get(id) === 1 ? undefined : `${id} holds ${held.get(id) ?? 0} reservations`;
    }),
    check(
      input.delivery === 'core'
        ? 'at most one order.created.v1 (core: losses allowed) and exactly one terminal event per order on NATS'
        : 'exactly one order.created.v1 and one terminal event per order on NATS',
      input.placed,
      (id) => {
        const counts = input.observed.orders.get(id)?.counts ?? {};
        const created = counts['order.created.v1'] ?? 0;
        const terminal = TERMINAL_TYPES.reduce((n, t) => n + (counts[t] ?? 0), 0);
        const createdOk = input.delivery === 'core' ? created <= 1 : created === 1;
        return createdOk && terminal === 1 ? undefined : `${id}: ${created} created, ${terminal} terminal`;
      },
    ),
    check('every failure is compensated on NATS (release after payment failure, refund after stock failure)', input.placed, (id) => {
      const t = input.observed.orders.get(id)?.counts ?? {};
      const has = (type: keyof typeof t) => (t[type] ?? 0) > 0;
      if (has('payment.failed.v1') && has('inventory.reserved.v1') && !has('inventory.released.v1')) return `${id}: reserved, payment failed, never released`;
      if (has('inventory.failed.v1') && has('payment.confirmed.v1') && !has('payment.refunded.v1')) return `${id}: charged, stock failed, never refunded`;
      return undefined;
    }),
  ];
}

function stockConserved(input: InvariantInput, status: Map<string, string>): InvariantResult {
  const confirmedQty = new Map<string, number>();
  for (const r of input.inventory.reservations) {
    if (r.released || status.get(r.orderId) !== 'CONFIRMED') continue;
    for (const item of r.items) confirmedQty.set(item.productId, (confirmedQty.get(item.productId) ?? 0) + item.quantity);
  }
  const products = Object.keys(input.inventory.initial);
  return check('stock is conserved per product (initial = available + reserved by CONFIRMED orders)', products, (id) => {
    const initial = input.inventory.initial[id] ?? 0;
    const level = input.inventory.stock[id];
    const available = level?.available ?? 0;
    const reserved = confirmedQty.get(id) ?? 0;
    if (available < 0) return `${id}: available ${available} is negative`;
    return initial === available + reserved ? undefined : `${id}: initial ${initial} ≠ available ${available} + confirmed ${reserved}`;
  });
}

function check(name: string, ids: readonly string[], violation: (id: string) => string | undefined): InvariantResult {
  const found: string[] = [];
  let count = 0;
  for (const id of ids) {
    const v = violation(id);
    if (v === undefined) continue;
    count++;
    if (found.length < MAX_LISTED) found.push(v);
  }
  if (count === 0) return { name, passed: true, details: `${ids.length} checked` };
  const more = count > found.length ? ` (+${count - found.length} more)` : '';
  return { name, passed: false, details: `${count} of ${ids.length} violate it: ${found.join('; ')}${more}` };
}
