import { describe, expect, it } from 'vitest';
import { created, event } from '../../../test/helpers/events.js';
import { paymentSucceeds, unitHash } from './decision.js';
import { paymentConsumes, reducePayment, type PaymentConfig } from './logic.js';

const parallel: PaymentConfig = { seed: 7, successRate: 1, simulated: true, topology: 'parallel' };

describe('payment decision', () => {
  it('is a pure function of seed and order id', () => {
    const a = Array.from({ length: 200 }, (_, i) => paymentSucceeds(5, `ord-${i}`, 0.5));
    const b = Array.from({ length: 200 }, (_, i) => paymentSucceeds(5, `ord-${i}`, 0.5));
    expect(a).toEqual(b);
    const c = Array.from({ length: 200 }, (_, i) => paymentSucceeds(6, `ord-${i}`, 0.5));
    expect(c).not.toEqual(a);
  });

  it('succeeds at close to the configured rate over many orders', () => {
    let ok = 0;
    for (let i = 0; i < 50_000; i++) if (paymentSucceeds(1, `ord-${String(i).padStart(6, '0')}`, 0.9)) ok++;
    expect(ok / 50_000).toBeGreaterThan(0.893);
    expect(ok / 50_000).toBeLessThan(0.907);
  });

  it('always succeeds at rate 1 and always fails at rate 0', () => {
    expect(paymentSucceeds(1, 'x', 1)).toBe(true);
    expect(paymentSucceeds(1, 'x', 0)).toBe(false);
    expect(unitHash('anything')).toBeGreaterThanOrEqual(0);
    expect(unitHash('anything')).toBeLessThan(1);
  });
});

describe('payment service logic', () => {
  it('charges once on order.created in the parallel topology and records the transaction', () => {
    const step = reducePayment(undefined, created('ord-1'), parallel);
    expect(step.record.charge).toBe('charged');
    expect(step.transactions).toEqual([{ kind: 'charge', orderId: 'ord-1', transactionId: 'tx-ord-1', amount: 1000 }]);
    expect(step.emit.map((e) => e.type)).toEqual(['payment.confirmed.v1']);
  });

  it('a redelivered order.created changes nothing a second time', () => {
    const first = reducePayment(undefined, created('ord-1'), parallel);
    const again = reducePayment(first.record, created('ord-1'), parallel);
    expect(again.record).toEqual(first.record);
    expect(again.emit).toEqual([]);
    expect(again.transactions).toEqual([]);
  });

  it('declines without a transaction when the simulated payment fails', () => {
    const step = reducePayment(undefined, created('ord-1'), { ...parallel, successRate: 0 });
    expect(step.record.charge).toBe('declined');
    expect(step.transactions).toEqual([]);
    expect(step.emit.map((e) => e.type)).toEqual(['payment.failed.v1']);
  });

  it('USE_SIMULATED_PAYMENT=false (simulated: false) always succeeds', () => {
    const step = reducePayment(undefined, created('ord-1'), { ...parallel, successRate: 0, simulated: false });
    expect(step.record.charge).toBe('charged');
  });

  it('refunds a charged order exactly once when inventory fails', () => {
    const charged = reducePayment(undefined, created('ord-1'), parallel);
    const failed = event('inventory.failed.v1', 'ord-1', { reason: 'insufficient stock', productIds: ['p-1'] });
    const refund = reducePayment(charged.record, failed, parallel);
    expect(refund.emit.map((e) => e.type)).toEqual(['payment.refunded.v1']);
    expect(refund.transactions).toEqual([{ kind: 'refund', orderId: 'ord-1', transactionId: 'rf-ord-1', amount: 1000 }]);
    const duplicate = reducePayment(refund.record, failed, parallel);
    expect(duplicate.emit).toEqual([]);
    expect(duplicate.transactions).toEqual([]);
  });

  it('does not refund an order it never charged', () => {
    const declined = reducePayment(undefined, created('ord-1'), { ...parallel, successRate: 0 });
    const failed = event('inventory.failed.v1', 'ord-1', { reason: 'insufficient stock', productIds: ['p-1'] });
    expect(reducePayment(declined.record, failed, parallel).emit).toEqual([]);
  });

  it('handles inventory.failed arriving before order.created: it still decides, then refunds', () => {
    const failed = event('inventory.failed.v1', 'ord-1', { reason: 'insufficient stock', productIds: ['p-1'] });
    const early = reducePayment(undefined, failed, parallel);
    expect(early.emit).toEqual([]);
    const late = reducePayment(early.record, created('ord-1'), parallel);
    expect(late.emit.map((e) => e.type)).toEqual(['payment.confirmed.v1', 'payment.refunded.v1']);
  });

  it('in the sequential topology charges only after inventory.reserved', () => {
    const sequential = { ...parallel, topology: 'sequential' as const };
    const seen = reducePayment(undefined, created('ord-1'), sequential);
    expect(seen.emit).toEqual([]);
    const reserved = event('inventory.reserved.v1', 'ord-1', { items: [{ productId: 'p-1', quantity: 2 }] });
    const charged = reducePayment(seen.record, reserved, sequential);
    expect(charged.emit.map((e) => e.type)).toEqual(['payment.confirmed.v1']);
    expect(charged.emit[0]?.causationId).toBe(reserved.eventId);
  });

  it('reads inventory.reserved only in the sequential topology, where it triggers the charge', () => {
    expect(paymentConsumes('parallel')).not.toContain('inventory.reserved.v1');
    expect(paymentConsumes('sequential')).toContain('inventory.reserved.v1');
    for (const topology of ['parallel', 'sequential'] as const) {
      expect(paymentConsumes(topology)).toEqual(expect.arrayContaining(['order.created.v1', 'inventory.failed.v1', 'order.failed.v1']));
    }
  });

  it('never charges in the sequential topology once inventory failed', () => {
    const sequential = { ...parallel, topology: 'sequential' as const };
    const failed = event('inventory.failed.v1', 'ord-1', { reason: 'insufficient stock', productIds: ['p-1'] });
    const step = reducePayment(reducePayment(undefined, created('ord-1'), sequential).record, failed, sequential);
    expect(step.record.charge).toBe('none');
    expect(step.emit).toEqual([]);
  });
});
