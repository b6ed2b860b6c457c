import { describe, expect, it } from 'vitest';
import { loopBusyShares, sampleLoops, threadCores, type LoopSample } from './loop-busy.js';

const at = (threads: LoopSample['threads'], process: LoopSample['process'] = null): LoopSample => ({ threads, process });

describe('loopBusyShares', () => {
  it('is the busy share of each thread between two samples', () => {
    const from = at({ main: { busyMs: 100, idleMs: 900 }, order: { busyMs: 0, idleMs: 0 } });
    const to = at({ main: { busyMs: 600, idleMs: 1400 }, order: { busyMs: 710, idleMs: 290 } });
    expect(loopBusyShares(from, to)).toEqual({ main: 0.5, order: 0.71 });
  });

  it('gives 0 for a thread with no time between the samples', () => {
    expect(loopBusyShares(at({ payment: { busyMs: 5, idleMs: 5 } }), at({ payment: { busyMs: 5, idleMs: 5 } }))).toEqual({ payment: 0 });
  });

  it('reads the main thread itself, and the workers from their stats', () => {
    const sample = sampleLoops(new Map([['inventory', { stats: { loopBusyMs: 12, loopIdleMs: 34, cpuMs: 7, runQueueMs: 3, cpuRuns: 9 } }]]));
    expect(sample.threads.inventory).toMatchObject({ busyMs: 12, idleMs: 34 });
    expect(sample.threads.main?.busyMs).toBeGreaterThan(0);
  });
});

describe('threadCores', () => {
  it("divides each thread's time on a core and waiting for one by its wall time, the rest of the process as other", () => {
    const from = at(
      { main: { busyMs: 0, idleMs: 0, cpu: { cpuMs: 100, waitMs: 50, runs: 10 } }, order: { busyMs: 0, idleMs: 0, cpu: { cpuMs: 0, waitMs: 0, runs: 0 } } },
      { cpuMs: 300, waitMs: 100, runs: 40 },
    );
    const to = at(
      {
        main: { busyMs: 800, idleMs: 200, cpu: { cpuMs: 660, waitMs: 420, runs: 1510 } },
        order: { busyMs: 500, idleMs: 500, cpu: { cpuMs: 430, waitMs: 400, runs: 1100 } },
      },
      { cpuMs: 300 + 560 + 430 + 120, waitMs: 100 + 370 + 400 + 30, runs: 40 + 1500 + 1100 + 25 },
    );
    expect(threadCores(from, to)).toEqual({
      main: { cores: 0.56, waitingCores: 0.37, runs: 1500 },
      order: { cores: 0.43, waitingCores: 0.4, runs: 1100 },
      other: { cores: 0.12, waitingCores: 0.03, runs: 25 },
    });
  });

  it('is null where the kernel gives no scheduler statistics', () => {
    const plain = at({ main: { busyMs: 1, idleMs: 1 } });
    expect(threadCores(plain, plain)).toBeNull();
  });
});
