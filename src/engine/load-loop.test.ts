import { describe, expect, it } from 'vitest';
import { arrivals } from '../load/arrivals.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { now } from './clock.js';
import { startOpenLoop } from './load-loop.js';

/** Runs an open loop at a high constant rate with `inFlight` sagas always in flight. */
async function openLoop(limits: { count: number; maxInFlight?: number; mustSend?: number }, inFlight: () => number) {
  const seqs: number[] = [];
  const loop = startOpenLoop(arrivals({ model: 'constant', rate: 20_000 }, 1), limits, {
    startAt: now(),
    next: (seq) => {
      seqs.push(seq);
      return { orderId: `o-${seq}` } as PlaceOrder;
    },
    place: () => undefined,
    stopped: () => false,
    inFlight,
  });
  await loop.done;
  return { seqs, stats: loop.stats() };
}

describe('open loop with maxInFlight', () => {
  it('drops the arrivals that find the cap reached, counting them towards the count', async () => {
    const { seqs, stats } = await openLoop({ count: 50, maxInFlight: 3 }, () => 3);
    expect(stats).toMatchObject({ sent: 0, dropped: 50 });
    expect(seqs).toEqual([]);
  });

  it('never drops the first mustSend orders (scripted orders carry expectations)', async () => {
    const { seqs, stats } = await openLoop({ count: 50, maxInFlight: 3, mustSend: 2 }, () => 10);
    expect(stats).toMatchObject({ sent: 2, dropped: 48 });
    expect(seqs).toEqual([1, 2]);
  });

  it('sends while under the cap, numbering the sent orders 1..sent with no gaps', async () => {
    let inFlight = 0;
    const { seqs, stats } = await openLoop({ count: 40, maxInFlight: 5 }, () => inFlight++ % 10);
    expect(stats.sent + stats.dropped).toBe(40);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.sent).toBeGreaterThan(0);
    expect(seqs).toEqual(Array.from({ length: stats.sent }, (_, i) => i + 1));
  });

  it('without a cap it drops nothing, whatever is in flight', async () => {
    const { stats } = await openLoop({ count: 50 }, () => 1e9);
    expect(stats).toMatchObject({ sent: 50, dropped: 0 });
  });
});

describe('open loop pause', () => {
  it('does not count a pause as lateness, and reports how long it paused', async () => {
    let sent = 0;
    const loop = startOpenLoop(arrivals({ model: 'constant', rate: 1000 }, 1), { count: 1300 }, {
      startAt: now(),
      next: (seq) => ({ orderId: `o-${seq}` }) as PlaceOrder,
      place: (orders) => void (sent += orders.length),
      stopped: () => false,
    });
    while (sent < 100) await new Promise((r) => setImmediate(r));
    loop.pause();
    const atPause = sent;
    // The pause itself: one second in which nothing may be sent.
    await new Promise((r) => setTimeout(r, 1000));
    expect(sent).toBe(atPause);
    loop.resume();
    await loop.done;
    const stats = loop.stats();
    expect(stats.sent).toBe(1300);
    expect(stats.pausedMs).toBeGreaterThanOrEqual(1000);
    // Counted as lateness, the pause would make the ~1,000 orders due in it late by up to a second. A
    // loaded machine may make a few sends late on its own, never that many, nor by that much.
    expect(stats.late).toBeLessThan(500);
    expect(stats.maxLagMs).toBeLessThan(1000);
  });
});
