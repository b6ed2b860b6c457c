import { afterEach, describe, expect, it, vi } from 'vitest';
import { outgoing } from './outgoing.js';
import { emptyStats } from './protocol.js';
import { createPublisher, type Send } from './publisher.js';

const confirmed = outgoing('order.confirmed.v1', 'ord-1', 'ord-1:payment.confirmed.v1', { amount: 100 });

afterEach(() => {
  vi.useRealTimers();
});

describe('publisher', () => {
  it('retries a failed publish under the same message id until the broker takes it', async () => {
    vi.useFakeTimers();
    const ids: string[] = [];
    let failures = 2;
    const send: Send = async (_subject, _data, msgID) => {
      ids.push(msgID);
      if (failures-- > 0) throw new Error('disconnected');
    };
    const stats = emptyStats();
    const done = createPublisher(send, stats)([confirmed]);
    await vi.runAllTimersAsync();
    await done;
    expect(ids).toEqual(['ord-1:order.confirmed.v1', 'ord-1:order.confirmed.v1', 'ord-1:order.confirmed.v1']);
    expect(stats).toMatchObject({ published: 1, publishRetries: 2, publishFailures: 0 });
  });

  it('an injected duplicate that cannot be sent fails nothing: the event itself is out', async () => {
    vi.useFakeTimers();
    const send: Send = async (_subject, _data, msgID) => {
      if (msgID.endsWith(':duplicate')) throw new Error('timeout');
    };
    const stats = emptyStats();
    const done = createPublisher(send, stats, { duplicateShare: 1, random: () => 0 })([confirmed]);
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBeUndefined();
    expect(stats).toMatchObject({ published: 1, duplicatesSent: 0, publishFailures: 0 });
  });
});
