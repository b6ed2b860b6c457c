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
      return true;
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
      return true;
    };
    const stats = emptyStats();
    const done = createPublisher(send, stats, { duplicateShare: 1, random: () => 0 })([confirmed]);
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBeUndefined();
    expect(stats).toMatchObject({ published: 1, duplicatesSent: 0, publishFailures: 0 });
  });

  it('a copy the stream drops as a repeat (a redelivered message re-emitting) is not counted as sent', async () => {
    // The broker already holds both the event and its copy: each publish is acknowledged as a repeat.
    const send: Send = async () => false;
    const stats = emptyStats();
    await createPublisher(send, stats, { duplicateShare: 1, random: () => 0 })([confirmed]);
    expect(stats).toMatchObject({ duplicatesSent: 0, publishFailures: 0 });
    const fresh = emptyStats();
    await createPublisher(async () => true, fresh, { duplicateShare: 1, random: () => 0 })([confirmed]);
    expect(fresh.duplicatesSent).toBe(1);
  });

  it('a copy whose first attempt timed out and whose retry is answered as a repeat counts as sent (it was stored)', async () => {
    vi.useFakeTimers();
    let copies = 0;
    const send: Send = async (_subject, _data, msgID) => {
      if (!msgID.endsWith(':duplicate')) return true;
      if (copies++ === 0) throw new Error('no reply within 5000 ms');
      return false;
    };
    const stats = emptyStats();
    const done = createPublisher(send, stats, { duplicateShare: 1, random: () => 0 })([confirmed]);
    await vi.runAllTimersAsync();
    await done;
    expect(stats.duplicatesSent).toBe(1);
  });

  it('a publisher for new work marks its sends, and their copies, deferred', async () => {
    const calls: [string, boolean | undefined][] = [];
    const send: Send = async (_subject, _data, msgID, deferred) => (calls.push([msgID, deferred]), true);
    await createPublisher(send, emptyStats(), { duplicateShare: 1, random: () => 0 }, true)([confirmed]);
    await createPublisher(send, emptyStats())([confirmed]);
    expect(calls).toEqual([
      ['ord-1:order.confirmed.v1', true],
      ['ord-1:order.confirmed.v1:duplicate', true],
      ['ord-1:order.confirmed.v1', false],
    ]);
  });
});
