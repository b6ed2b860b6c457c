import { describe, expect, it } from 'vitest';
import { checkInvariants, type InvariantInput } from './invariants.js';
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
