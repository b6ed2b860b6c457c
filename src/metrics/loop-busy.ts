import { performance } from 'node:perf_hooks';

/** Cumulative event-loop time of one thread, ms. */
export interface LoopTime {
  busyMs: number;
  idleMs: number;
}

/** Every thread's loop time at one moment: the main thread's own, the workers' from their latest stats. */
export type LoopSample = Record<string, LoopTime>;

export function sampleLoops(workers: ReadonlyMap<string, { stats: { loopBusyMs: number; loopIdleMs: number } }>): LoopSample {
  const main = performance.eventLoopUtilization();
  const sample: LoopSample = { main: { busyMs: main.active, idleMs: main.idle } };
  for (const [name, { stats }] of workers) sample[name] = { busyMs: stats.loopBusyMs, idleMs: stats.loopIdleMs };
  return sample;
}

/**
 * Each thread's share of wall time its event loop was busy between two samples, 0..1, two digits.
 * Busy is wall time, not CPU: on a saturated two-core machine it includes waiting for a core, so
 * the busiest thread is the one to look at, not the sum. A worker's stats arrive every 250 ms, so
 * its window is shifted by up to that much.
 */
export function loopBusyShares(from: LoopSample, to: LoopSample): Record<string, number> {
  const shares: Record<string, number> = {};
  for (const [name, end] of Object.entries(to)) {
    const start = from[name] ?? { busyMs: 0, idleMs: 0 };
    const busy = end.busyMs - start.busyMs;
    const total = busy + end.idleMs - start.idleMs;
    shares[name] = total > 0 ? Math.round((busy / total) * 100) / 100 : 0;
  }
  return shares;
}
