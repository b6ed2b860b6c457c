import { describe, expect, it } from 'vitest';
import { checkInvariants, InvariantTally, type InvariantInput } from './invariants.js';
import { TraceBook } from './trace.js';

/** One confirmed order (ord-1) and one cancelled after payment failure (ord-2), all consistent. */
function healthy(): InvariantInput {
  const observed = new TraceBook();
  for (const type of ['order.created.v1', 'payment.confirmed.v1', 'inventory.reserved.v1', 'order.confirmed.v1'] as const) observed.record({ orderId: 'ord-1', type, eventId: `ord-1:${type}` });
  for (const type of ['order.created.v1', 'payment.failed.v1', 'inventory.reserved.v1', 'inventory.released.v1', 'order.cancelled.v1'] as const) observed.record({ orderId: 'ord-2', type, eventId: `ord-2:${type}` });
  return {
    placed: ['ord-1', 'ord-2'],
    order: { service: 'order', orders: [{ orderId: 'ord-1', status: 'CONFIRMED' }, { orderId: 'ord-2', status: 'CANCELLED', reason: 'payment_failed' }] },
    payment: { service: 'payment', transactions: [{ kind: 'charge', orderId: 'ord-1', transactionId: 'tx-ord-1', amount: 100 }] },
    inventory: {
      service: 'inventory',
      initial: { 'p-1': 10 },
      stock: { 'p-1': { available: 8, reserved: 2 } },
      reservations: [
        { orderId: 'ord-1', items: [{ productId: 'p-1', quantity: 2 }], released: false },
        { orderId: 'ord-2', items: [{ productId: 'p-1', quantity: 3 }], released: true },
      ],
    },
    observed,
  };
}

const failing = (input: InvariantInput) => checkInvariants(input).filter((r) => !r.passed).map((r) => r.name);

describe('invariants', () => {
  it('all pass for a consistent run', () => {
    expect(failing(healthy())).toEqual([]);
  });

  it('catches an order left PENDING', () => {
    const input = healthy();
    input.order.orders[0] = { orderId: 'ord-1', status: 'PENDING' };
    expect(failing(input)).toContain('no order left PENDING');
  });

  it('catches stock that was not conserved', () => {
    const input = healthy();
    input.inventory.stock['p-1'] = { available: 7, reserved: 3 };
    expect(failing(input)).toEqual(['stock is conserved per product (initial = available + reserved by CONFIRMED orders)']);
  });

  it('catches a cancelled order that kept a charge or a reservation', () => {
    const input = healthy();
    input.payment.transactions.push({ kind: 'charge', orderId: 'ord-2', transactionId: 'tx-ord-2', amount: 50 });
    expect(failing(input)).toContain('a CANCELLED or FAILED order holds no reservation and no net charge');
  });

  it('catches a double charge on a confirmed order', () => {
    const input = healthy();
    input.payment.transactions.push({ kind: 'charge', orderId: 'ord-1', transactionId: 'tx-again', amount: 100 });
    expect(failing(input)).toContain('a CONFIRMED order has exactly one charge and one reservation');
  });

  it('a duplicate delivery of the same event is not a second event', () => {
    const input = healthy();
    expect(input.observed.record({ orderId: 'ord-1', type: 'order.confirmed.v1', eventId: 'ord-1:order.confirmed.v1' })).toBe(false);
    expect(input.observed.duplicates).toBe(1);
    expect(failing(input)).toEqual([]);
  });

  it('catches a second terminal event on NATS and a missing compensation', () => {
    const input = healthy();
    input.observed.record({ orderId: 'ord-1', type: 'order.cancelled.v1', eventId: 'ord-1:order.cancelled.v1' });
    input.observed.orders.get('ord-2')!.counts['inventory.released.v1'] = 0;
    const names = failing(input);
    expect(names).toContain('exactly one order.created.v1 and one terminal event per order on NATS');
    expect(names.some((n) => n.startsWith('every failure is compensated'))).toBe(true);
  });
});

describe('InvariantTally', () => {
  it('checked in settled batches gives the same results as one check of everything', () => {
    const whole = checkInvariants(healthy());
    const input = healthy();
    const tally = new InvariantTally();
    const part = (id: string) => ({
      placed: [id],
      order: { ...input.order, orders: input.order.orders.filter((o) => o.orderId === id) },
      payment: { ...input.payment, transactions: input.payment.transactions.filter((t) => t.orderId === id) },
      inventory: { ...input.inventory, reservations: input.inventory.reservations.filter((r) => r.orderId === id) },
      observed: input.observed,
    });
    tally.add(part('ord-1'));
    tally.add(part('ord-2'));
    expect(tally.results(input.inventory)).toEqual(whole);
  });

  it('a settled batch keeps its violations, and stock conservation counts its confirmed holds', () => {
    const input = healthy();
    input.order.orders[0] = { orderId: 'ord-1', status: 'CONFIRMED' };
    input.payment.transactions.push({ kind: 'charge', orderId: 'ord-1', transactionId: 'tx-2', amount: 100 });
    const tally = new InvariantTally();
    tally.add({ ...input, placed: ['ord-1'] });
    // The final snapshot no longer holds ord-1's records; its hold of 2 still counts for the stock.
    tally.add({ ...input, placed: ['ord-2'], order: { service: 'order', orders: [input.order.orders[1]!] }, payment: { service: 'payment', transactions: [] }, inventory: { ...input.inventory, reservations: [] } });
    const results = tally.results(input.inventory);
    expect(results.filter((r) => !r.passed).map((r) => r.name)).toEqual(['a CONFIRMED order has exactly one charge and one reservation']);
    expect(results[0]?.details).toBe('2 checked');
  });

  it('events of a new type after a saga settled break an invariant; repeats of its own events do not', () => {
    const book = new TraceBook();
    for (const type of ['order.created.v1', 'payment.confirmed.v1', 'inventory.reserved.v1', 'order.confirmed.v1'] as const) book.record({ orderId: 'ord-1', type, eventId: `ord-1:${type}` });
    book.settle('ord-1');
    expect(book.orders.has('ord-1')).toBe(false);
    expect(book.record({ orderId: 'ord-1', type: 'order.confirmed.v1', eventId: 'ord-1:order.confirmed.v1' })).toBe(false);
    expect(book.duplicates).toBe(1);
    expect(book.record({ orderId: 'ord-1', type: 'order.failed.v1', eventId: 'ord-1:order.failed.v1' })).toBe(true);
    expect(book.record({ orderId: 'ord-1', type: 'inventory.released.v1', eventId: 'ord-1:inventory.released.v1' })).toBe(true);
    const tally = new InvariantTally();
    tally.late(book.afterSettle);
    const failed = tally.results({ initial: {}, stock: {} }).filter((r) => !r.passed);
    expect(failed.map((r) => r.details)).toEqual([
      '1 of 1 violate it: ord-1: order.failed.v1 after the saga settled',
      '1 of 1 violate it: ord-1: inventory.released.v1 after the saga settled',
    ]);
  });
});
