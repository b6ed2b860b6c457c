import { performance } from 'node:perf_hooks';
import { readProcessCpu, readThreadCpu, type ThreadCpu } from './thread-cpu.js';

/** Cumulative time of one thread, ms: its event loop busy and idle, and (Linux) its scheduler time. */
export interface LoopTime {
  busyMs: number;
  idleMs: number;
  /** On a core, and ready but waiting for one (schedstat); absent where the kernel does not tell. */
  cpu?: ThreadCpu;
}

/** Every thread at one moment: the main thread's own, the workers' from their latest stats. */
export interface LoopSample {
  threads: Record<string, LoopTime>;
  /** All of the process's OS threads, JavaScript or not (V8's GC helpers, libuv's pool, the send timer). */
  process: ThreadCpu | null;
}

interface WorkerLoop {
  stats: { loopBusyMs: number; loopIdleMs: number; cpuMs: number; runQueueMs: number; cpuRuns: number };
}

export function sampleLoops(workers: ReadonlyMap<string, WorkerLoop>): LoopSample {
  const main = performance.eventLoopUtilization();
  const mainCpu = readThreadCpu();
  const threads: Record<string, LoopTime> = { main: { busyMs: main.active, idleMs: main.idle, ...(mainCpu ? { cpu: mainCpu } : {}) } };
  for (const [name, { stats }] of workers) {
    threads[name] = { busyMs: stats.loopBusyMs, idleMs: stats.loopIdleMs, ...(mainCpu ? { cpu: { cpuMs: stats.cpuMs, waitMs: stats.runQueueMs, runs: stats.cpuRuns } } : {}) };
  }
  return { threads, process: mainCpu ? readProcessCpu(process.pid) : null };
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) / 100 : 0);
const wallMs = (from: LoopTime, to: LoopTime) => to.busyMs + to.idleMs - from.busyMs - from.idleMs;
const NO_TIME: LoopTime = { busyMs: 0, idleMs: 0 };

/**
 * Each thread's share of wall time its event loop was busy between two samples, 0..1, two digits.
 * Busy is wall time, not CPU: on a saturated two-core machine it includes waiting for a core (see
 * threadCores for the difference). A worker's stats arrive every 250 ms, so its window is shifted
 * by up to that much.
 */
export function loopBusyShares(from: LoopSample, to: LoopSample): Record<string, number> {
  const shares: Record<string, number> = {};
  for (const [name, end] of Object.entries(to.threads)) {
    const start = from.threads[name] ?? NO_TIME;
    shares[name] = share(end.busyMs - start.busyMs, wallMs(start, end));
  }
  return shares;
}

/** A thread's cores over a window: on a core, and waiting for one while ready to run. */
export interface ThreadCores {
  cores: number;
  waitingCores: number;
  /** Times it was put on a core over the span: its wake-ups, about, each a context switch. */
  runs: number;
}

/**
 * Cores each thread used between two samples, and cores' worth of time it spent ready but waiting
 * for one: the thread that runs out first, and whether it ran out of work or of cores. `other` is
 * the rest of the process (GC helpers, libuv, the send timer). Null without schedstat.
 */
export function threadCores(from: LoopSample, to: LoopSample): Record<string, ThreadCores> | null {
  if (!from.process || !to.process) return null;
  const cores: Record<string, ThreadCores> = {};
  const sum = { cpuMs: 0, waitMs: 0, runs: 0 };
  let mainWallMs = 0;
  for (const [name, end] of Object.entries(to.threads)) {
    const start = from.threads[name] ?? NO_TIME;
    if (!end.cpu) return null;
    const cpuMs = end.cpu.cpuMs - (start.cpu?.cpuMs ?? 0);
    const waitMs = end.cpu.waitMs - (start.cpu?.waitMs ?? 0);
    const runs = end.cpu.runs - (start.cpu?.runs ?? 0);
    const wall = wallMs(start, end);
    if (name === 'main') mainWallMs = wall;
    sum.cpuMs += cpuMs;
    sum.waitMs += waitMs;
    sum.runs += runs;
    cores[name] = { cores: share(cpuMs, wall), waitingCores: share(waitMs, wall), runs };
  }
  // The workers' windows are shifted by up to a stats interval, so the difference can dip below 0.
  const otherCpu = Math.max(0, to.process.cpuMs - from.process.cpuMs - sum.cpuMs);
  const otherWait = Math.max(0, to.process.waitMs - from.process.waitMs - sum.waitMs);
  const otherRuns = Math.max(0, to.process.runs - from.process.runs - sum.runs);
  cores.other = { cores: share(otherCpu, mainWallMs), waitingCores: share(otherWait, mainWallMs), runs: otherRuns };
  return cores;
}
