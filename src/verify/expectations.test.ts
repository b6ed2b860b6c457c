import { describe, expect, it } from 'vitest';
import type { EventType } from '../events/subjects.js';
import { checkExpectations, firstUnmatched, sequenceDiff } from './expectations.js';

const paymentFailed: EventType[] = ['order.created.v1', 'payment.failed.v1', 'inventory.reserved.v1', 'inventory.released.v1', 'order.cancelled.v1'];

describe('expected event sequences', () => {
  it('match as an ordered subsequence', () => {
    expect(firstUnmatched(['order.created.v1', 'inventory.released.v1', 'order.cancelled.v1'], paymentFailed)).toBeUndefined();
    expect(firstUnmatched(['order.cancelled.v1', 'order.created.v1'], paymentFailed)).toBe(1);
  });

  it('a nested list matches in any order', () => {
    expect(firstUnmatched(['order.created.v1', 'inventory.reserved.v1', 'payment.failed.v1'], paymentFailed)).toBe(2);
    expect(firstUnmatched(['order.created.v1', ['inventory.reserved.v1', 'payment.failed.v1'], 'inventory.released.v1'], paymentFailed)).toBeUndefined();
  });

  it('the diff marks missing expected events with - and unexpected observed ones with +', () => {
    const diff = sequenceDiff(['order.created.v1', ['payment.confirmed.v1', 'inventory.reserved.v1'], 'order.confirmed.v1'], paymentFailed);
    expect(diff).toEqual([
      '  order.created.v1',
      '+ payment.failed.v1',
      '  inventory.reserved.v1',
      '- payment.confirmed.v1',
      '- order.confirmed.v1',
      '+ inventory.released.v1',
      '+ order.cancelled.v1',
    ]);
  });

  it('checks status, sequence and absent events separately', () => {
    const results = checkExpectations(
      [{ orderId: 'a', status: 'CONFIRMED', events: ['order.created.v1', 'order.confirmed.v1'], notEvents: ['inventory.released.v1'] }],
      () => ({ status: 'CANCELLED', events: paymentFailed }),
    );
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['status', false],
      ['events', false],
      ['never inventory.released.v1', false],
    ]);
    expect(results[0]?.details).toBe('expected CONFIRMED, got CANCELLED');
  });
});
