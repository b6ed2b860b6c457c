import { readdirSync, readFileSync } from 'node:fs';

/** Cumulative scheduler time of a thread (or of all a process's threads), ms. */
export interface ThreadCpu {
  /** Time on a core. */
  cpuMs: number;
  /** Time ready to run but waiting on a run queue for a core. */
  waitMs: number;
  /** Times it was put on a core: about its wake-ups, each of which costs a context switch. */
  runs: number;
}

/**
 * Linux's schedstat of the calling thread. A synchronous read runs on the thread that calls it, so
 * a worker reads its own. The event loop's busy time cannot tell running from waiting for a core
 * (and Node 20 has no per-thread CPU clock); this can. Null without /proc or schedstats.
 */
export function readThreadCpu(path = '/proc/thread-self/schedstat'): ThreadCpu | null {
  try {
    return parseSchedstat(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** `<ns on a core> <ns waiting on a run queue> <timeslices>` (Documentation/scheduler/sched-stats.rst). */
export function parseSchedstat(text: string): ThreadCpu | null {
  const [run, wait, slices] = text.trim().split(/\s+/).map(Number);
  if (run === undefined || wait === undefined || slices === undefined || ![run, wait, slices].every(Number.isFinite)) return null;
  return { cpuMs: run / 1e6, waitMs: wait / 1e6, runs: slices };
}

/** Summed over every thread of a process (nats-server's Go threads). A thread that ended takes its share with it. */
export function readProcessCpu(pid: number): ThreadCpu | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const total = { cpuMs: 0, waitMs: 0, runs: 0 };
  let read = 0;
  for (const tid of tids) {
    const t = readThreadCpu(`/proc/${pid}/task/${tid}/schedstat`);
    if (!t) continue;
    total.cpuMs += t.cpuMs;
    total.waitMs += t.waitMs;
    total.runs += t.runs;
    read++;
  }
  return read > 0 ? total : null;
}
