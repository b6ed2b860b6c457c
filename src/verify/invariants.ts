import type { ServiceSnapshot } from '../services/service.js';
import { isTerminalType, TERMINAL_TYPES, type EventType } from '../events/subjects.js';
import type { OrderTrace, TraceBook } from './trace.js';

export interface InvariantResult {
  name: string;
  passed: boolean;
  /** What was checked, or the first few violations. */
  details: string;
  /** The counts behind `details` (sagas or products checked, violations, the first few listed), for merging parts. */
  counts?: Count;
}

export interface InvariantInput {
  /** The order ids to check: every one the load generator placed, or a settled batch of them. */
  placed: Iterable<string>;
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
export const MAX_LISTED = 5;

/** The names, in report order. */
export const NAMES = {
  pending: 'no order left PENDING',
  stock: 'stock is conserved per product (initial = available + reserved by CONFIRMED orders)',
  released: 'a CANCELLED or FAILED order holds no reservation and no net charge',
  confirmed: 'a CONFIRMED order has exactly one charge and one reservation',
  compensated: 'every failure is compensated on NATS (release after payment failure, refund after stock failure)',
} as const;
const onNats = (delivery: InvariantInput['delivery']) =>
  delivery === 'core'
    ? 'at most one order.created.v1 (core: losses allowed) and exactly one terminal event per order on NATS'
    : 'exactly one order.created.v1 and one terminal event per order on NATS';

/** Checks every invariant at once, over whole snapshots. */
export function checkInvariants(input: InvariantInput): InvariantResult[] {
  const tally = new InvariantTally(input.delivery);
  tally.add(input);
  return tally.results(input.inventory);
}

export interface Count {
  checked: number;
  violations: number;
  listed: string[];
}

/**
 * Invariants checked in parts, so a long run need not keep every saga: each settled batch of
 * sagas is checked with its records and its trace, then dropped, and the results accumulate here.
 * Stock conservation is global; the quantities held by CONFIRMED orders accumulate instead.
 */
export class InvariantTally {
  private readonly counts = new Map<string, Count>();
  private readonly confirmedQty = new Map<string, number>();
  /** Orders whose order.created.v1 never crossed NATS (possible on core). */
  lostCreated = 0;

  constructor(private readonly delivery: InvariantInput['delivery'] = 'jetstream') {
    for (const name of [NAMES.pending, NAMES.stock, NAMES.released, NAMES.confirmed, onNats(delivery), NAMES.compensated]) {
      this.counts.set(name, { checked: 0, violations: 0, listed: [] });
    }
  }

  /** Checks the sagas in `input.placed` against the records and traces given (those of these sagas, or more). */
  add(input: Omit<InvariantInput, 'delivery'>): void {
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
    const placed = new Set(input.placed);
    for (const r of input.inventory.reservations) {
      if (r.released || !placed.has(r.orderId) || status.get(r.orderId) !== 'CONFIRMED') continue;
      for (const item of r.items) this.confirmedQty.set(item.productId, (this.confirmedQty.get(item.productId) ?? 0) + item.quantity);
    }

    for (const id of placed) {
      const s = status.get(id);
      const counts = input.observed.orders.get(id)?.counts ?? {};
      if ((counts['order.created.v1'] ?? 0) === 0) this.lostCreated++;
      this.check(NAMES.pending, s === undefined ? `${id} never created` : s === 'PENDING' ? `${id} PENDING` : undefined);
      const c = charges.get(id);
      if (s === 'CANCELLED' || s === 'FAILED') {
        const net = c?.net ?? 0;
        this.check(NAMES.released, held.has(id) ? `${id} still holds a reservation` : net !== 0 ? `${id} has a net charge of ${net} cents` : undefined);
      } else this.check(NAMES.released, undefined);
      if (s === 'CONFIRMED') {
        const bad = c?.charges !== 1 || c.net <= 0 ? `${id} has ${c?.charges ?? 0} charges, net ${c?.net ?? 0}` : held.get(id) === 1 ? undefined : `${id} holds ${held.get(id) ?? 0} reservations`;
        this.check(NAMES.confirmed, bad);
      } else this.check(NAMES.confirmed, undefined);
      this.check(onNats(this.delivery), this.natsViolation(id, counts));
      const has = (type: keyof typeof counts) => (counts[type] ?? 0) > 0;
      this.check(
        NAMES.compensated,
        has('payment.failed.v1') && has('inventory.reserved.v1') && !has('inventory.released.v1')
          ? `${id}: reserved, payment failed, never released`
          : has('inventory.failed.v1') && has('payment.confirmed.v1') && !has('payment.refunded.v1')
            ? `${id}: charged, stock failed, never refunded`
            : undefined,
      );
    }
  }

  /**
   * Events of a new type seen for a saga after it settled and was dropped (TraceBook.afterSettle):
   * a second order.created.v1 or terminal event breaks "exactly one"; any other means the saga
   * was still moving when it was judged settled, and its compensations can no longer be trusted.
   */
  late(events: readonly { orderId: string; type: EventType }[], total = events.length): void {
    events.forEach(({ orderId, type }, i) => {
      const name = type === 'order.created.v1' || isTerminalType(type) ? onNats(this.delivery) : NAMES.compensated;
      const entry = this.entry(name);
      // Past the listed sample, the rest count against the last invariant listed.
      const n = i === events.length - 1 ? 1 + total - events.length : 1;
      entry.checked += n;
      entry.violations += n;
      if (entry.listed.length < MAX_LISTED) entry.listed.push(`${orderId}: ${type} after the saga settled`);
    });
  }

  /** The results so far; `inventory`: the final stock levels. */
  results(inventory: Pick<InvariantInput['inventory'], 'initial' | 'stock'>): InvariantResult[] {
    // Judged afresh on each call: it is over the final stock, not over sagas.
    const stock = stockConserved(inventory, Object.fromEntries(this.confirmedQty));
    return [...this.counts].map(([name, c]) => (name === NAMES.stock ? stock : result(name, c)));
  }

  /** Quantities of each product held by the CONFIRMED orders checked so far. */
  confirmedQuantities(): Record<string, number> {
    return Object.fromEntries(this.confirmedQty);
  }

  private natsViolation(id: string, counts: OrderTrace['counts']): string | undefined {
    const created = counts['order.created.v1'] ?? 0;
    const terminal = TERMINAL_TYPES.reduce((n, t) => n + (counts[t] ?? 0), 0);
    const createdOk = this.delivery === 'core' ? created <= 1 : created === 1;
    return createdOk && terminal === 1 ? undefined : `${id}: ${created} created, ${terminal} terminal`;
  }

  private entry(name: string): Count {
    const entry = this.counts.get(name);
    if (!entry) throw new Error(`unknown invariant ${name}`);
    return entry;
  }

  private check(name: string, violation: string | undefined): void {
    const entry = this.entry(name);
    entry.checked++;
    if (violation === undefined) return;
    entry.violations++;
    if (entry.listed.length < MAX_LISTED) entry.listed.push(violation);
  }
}

/**
 * Stock conservation over the final stock: `confirmed`, the quantities held by the CONFIRMED orders
 * of the whole run (one generator's, or every generator's summed by a coordinator).
 */
export function stockConserved(inventory: Pick<InvariantInput['inventory'], 'initial' | 'stock'>, confirmed: Record<string, number>): InvariantResult {
  const c: Count = { checked: 0, violations: 0, listed: [] };
  for (const [id, initial] of Object.entries(inventory.initial)) {
    const available = inventory.stock[id]?.available ?? 0;
    const reserved = confirmed[id] ?? 0;
    const violation = available < 0 ? `${id}: available ${available} is negative` : initial === available + reserved ? undefined : `${id}: initial ${initial} ≠ available ${available} + confirmed ${reserved}`;
    c.checked++;
    if (violation === undefined) continue;
    c.violations++;
    if (c.listed.length < MAX_LISTED) c.listed.push(violation);
  }
  return result(NAMES.stock, c);
}

/** An invariant's result from its counts: passed, or the first few violations and how many more. */
export function result(name: string, c: Count): InvariantResult {
  const counts = { checked: c.checked, violations: c.violations, listed: [...c.listed] };
  if (c.violations === 0) return { name, passed: true, details: `${c.checked} checked`, counts };
  const more = c.violations > c.listed.length ? ` (+${c.violations - c.listed.length} more)` : '';
  return { name, passed: false, details: `${c.violations} of ${c.checked} violate it: ${c.listed.join('; ')}${more}`, counts };
}

/** Invariants checked in parts (one per generator) as one: counts summed, the first few violations listed. */
export function mergeInvariants(parts: readonly (readonly InvariantResult[])[]): InvariantResult[] {
  const merged = new Map<string, Count>();
  const unmerged = new Map<string, InvariantResult>();
  for (const results of parts) {
    for (const r of results) {
      if (!r.counts) {
        // Not countable (judged elsewhere): kept if any part failed it.
        if (!unmerged.has(r.name) || !r.passed) unmerged.set(r.name, r);
        continue;
      }
      const c = merged.get(r.name) ?? { checked: 0, violations: 0, listed: [] };
      c.checked += r.counts.checked;
      c.violations += r.counts.violations;
      c.listed.push(...r.counts.listed.slice(0, MAX_LISTED - c.listed.length));
      merged.set(r.name, c);
    }
  }
  const names = [...new Set(parts.flatMap((results) => results.map((r) => r.name)))];
  return names.map((name) => {
    const c = merged.get(name);
    return c ? result(name, c) : (unmerged.get(name) as InvariantResult);
  });
}
