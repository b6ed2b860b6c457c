import { describe, expect, it } from 'vitest';
import { event } from '../../../test/helpers/events.js';
import type { Topology } from '../outgoing.js';
import { expireOrder, placeOrder, reduceOrder, type OrderRecord } from './logic.js';
import { memoryStore, type RecordStore, type WriteKind } from '../state/record-store.js';
import { createOrderService } from './service.js';

const items = [{ productId: 'p-1', quantity: 2, unitPrice: 250 }];
const facts = {
  paid: () => event('payment.confirmed.v1', 'ord-1', { transactionId: 'tx-ord-1', amount: 500 }),
  declined: () => event('payment.failed.v1', 'ord-1', { reason: 'declined' }),
  refunded: () => event('payment.refunded.v1', 'ord-1', { transactionId: 'rf-ord-1', amount: 500 }),
  reserved: () => event('inventory.reserved.v1', 'ord-1', { items: [{ productId: 'p-1', quantity: 2 }] }),
  short: () => event('inventory.failed.v1', 'ord-1', { reason: 'insufficient stock', productIds: ['p-1'] }),
  released: () => event('inventory.released.v1', 'ord-1', { items: [{ productId: 'p-1', quantity: 2 }] }),
};
type Fact = keyof typeof facts;

/** Places ord-1, feeds the facts in order, and returns the final record and every event emitted after creation. */
function saga(sequence: Fact[], topology: Topology = 'parallel'): { record: OrderRecord; emitted: string[] } {
  let record = placeOrder(undefined, { orderId: 'ord-1', customerId: 'c', items }, 0).record as OrderRecord;
  const emitted: string[] = [];
  for (const fact of sequence) {
    const step = reduceOrder(record, facts[fact](), topology);
    record = step.record as OrderRecord;
    emitted.push(...step.emit.map((e) => e.type));
  }
  return { record, emitted };
}

describe('order service logic', () => {
  it('creates the order PENDING and emits order.created.v1 with the amount', () => {
    const step = placeOrder(undefined, { orderId: 'ord-1', customerId: 'c', items }, 0);
    expect(step.record).toMatchObject({ status: 'PENDING', amount: 500 });
    expect(step.emit).toMatchObject([{ type: 'order.created.v1', payload: { amount: 500, customerId: 'c' } }]);
    expect(placeOrder(step.record, { orderId: 'ord-1', customerId: 'c', items }, 5).emit).toEqual([]);
  });

  it('both succeed → CONFIRMED', () => {
    expect(saga(['paid', 'reserved'])).toMatchObject({ record: { status: 'CONFIRMED' }, emitted: ['order.confirmed.v1'] });
    expect(saga(['reserved', 'paid']).record.status).toBe('CONFIRMED');
  });

  it('payment fails → waits for the release → CANCELLED (payment_failed)', () => {
    expect(saga(['declined', 'reserved']).record.status).toBe('PENDING');
    expect(saga(['declined', 'reserved', 'released'])).toMatchObject({
      record: { status: 'CANCELLED', reason: 'payment_failed' },
      emitted: ['order.cancelled.v1'],
    });
  });

  it('inventory fails → waits for the refund → CANCELLED (out_of_stock)', () => {
    expect(saga(['paid', 'short']).record.status).toBe('PENDING');
    expect(saga(['short', 'paid', 'refunded']).record).toMatchObject({ status: 'CANCELLED', reason: 'out_of_stock' });
  });

  it('both fail → CANCELLED (payment_and_stock) with nothing to compensate', () => {
    expect(saga(['short', 'declined']).record).toMatchObject({ status: 'CANCELLED', reason: 'payment_and_stock' });
  });

  it('sequential: inventory failure cancels at once, as payment is never asked', () => {
    expect(saga(['short'], 'sequential').record).toMatchObject({ status: 'CANCELLED', reason: 'out_of_stock' });
  });

  it('emits exactly one terminal event, whatever arrives later', () => {
    const { emitted, record } = saga(['paid', 'reserved', 'paid', 'reserved', 'declined', 'short']);
    expect(emitted).toEqual(['order.confirmed.v1']);
    expect(record.status).toBe('CONFIRMED');
  });

  it('ignores facts about orders it never created', () => {
    expect(reduceOrder(undefined, facts.paid(), 'parallel')).toEqual({ record: undefined, emit: [] });
  });
});

describe('saga timeouts', () => {
  it('a saga still PENDING after the timeout ends FAILED with order.failed.v1, once', () => {
    const { record } = saga(['reserved']);
    expect(expireOrder(record, 999, 1000).emit).toEqual([]);
    const expired = expireOrder(record, 1000, 1000);
    expect(expired.record?.status).toBe('FAILED');
    expect(expired.emit).toMatchObject([{ type: 'order.failed.v1', payload: { reason: 'timeout: not finished within 1000 ms' } }]);
    expect(expireOrder(expired.record as OrderRecord, 5000, 1000).emit).toEqual([]);
  });

  it('never moves a finished order, and late replies cannot move a FAILED one', () => {
    const confirmed = saga(['paid', 'reserved']).record;
    expect(expireOrder(confirmed, 1e9, 1000)).toEqual({ record: confirmed, emit: [] });
    const failed = expireOrder(saga(['reserved']).record, 1000, 1000).record as OrderRecord;
    const late = reduceOrder(failed, facts.paid(), 'parallel');
    expect(late.record?.status).toBe('FAILED');
    expect(late.emit).toEqual([]);
  });

  it('the service expires only the orders old enough, oldest first', () => {
    const service = createOrderService({ topology: 'parallel', sagaTimeoutMs: 100 });
    service.place?.({ orderId: 'a', customerId: 'c', items }, 0);
    service.place?.({ orderId: 'b', customerId: 'c', items }, 50);
    expect(service.tick?.(120).emit.map((e) => e.orderId)).toEqual(['a']);
    expect(service.tick?.(200).emit.map((e) => e.orderId)).toEqual(['b']);
    expect(service.tick?.(300).emit).toEqual([]);
  });

  it('a placed order’s first write waits behind sagas under way, a reply that leaves it PENDING may wait for the next, the verdict goes now', () => {
    const writes: [string, WriteKind | undefined][] = [];
    const inner = memoryStore<OrderRecord>();
    const store: RecordStore<OrderRecord> = { ...inner, set: (key, record, kind) => (writes.push([(record as OrderRecord).status, kind]), inner.set(key, record)) };
    const service = createOrderService({ topology: 'parallel', sagaTimeoutMs: 1000 }, store);
    service.place?.({ orderId: 'ord-1', customerId: 'c', items }, 0);
    service.handle(facts.paid(), false);
    service.handle(facts.reserved(), false);
    service.place?.({ orderId: 'ord-2', customerId: 'c', items }, 0);
    service.tick?.(2000);
    expect(writes).toEqual([
      ['PENDING', 'start'],
      ['PENDING', 'interim'],
      ['CONFIRMED', 'step'],
      ['PENDING', 'start'],
      ['FAILED', 'step'],
    ]);
  });
});
