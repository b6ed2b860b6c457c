import { describe, expect, it } from 'vitest';
import { loopBusyShares, sampleLoops } from './loop-busy.js';

describe('loopBusyShares', () => {
  it('is the busy share of each thread between two samples', () => {
    const from = { main: { busyMs: 100, idleMs: 900 }, order: { busyMs: 0, idleMs: 0 } };
    const to = { main: { busyMs: 600, idleMs: 1400 }, order: { busyMs: 710, idleMs: 290 } };
    expect(loopBusyShares(from, to)).toEqual({ main: 0.5, order: 0.71 });
  });

  it('gives 0 for a thread with no time between the samples', () => {
    expect(loopBusyShares({ payment: { busyMs: 5, idleMs: 5 } }, { payment: { busyMs: 5, idleMs: 5 } })).toEqual({ payment: 0 });
  });

  it('reads the main thread itself, and the workers from their stats', () => {
    const sample = sampleLoops(new Map([['inventory', { stats: { loopBusyMs: 12, loopIdleMs: 34 } }]]));
    expect(sample.inventory).toEqual({ busyMs: 12, idleMs: 34 });
    expect(sample.main?.busyMs).toBeGreaterThan(0);
  });
});
