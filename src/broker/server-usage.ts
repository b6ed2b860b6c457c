import { readFileSync } from 'node:fs';
import { readProcessCpu } from '../metrics/thread-cpu.js';

/**
 * What nats-server did during a run's load and drain. Measured only on a server this process
 * started, so no one else's traffic is in it: on a two-core machine the broker's share of the CPU
 * is half the story of a saturated bench, and its messages per saga show what a design costs.
 */
export interface BrokerUsage {
  /** CPU time of the nats-server process; null without Linux's /proc, or when it was restarted (a broker fault). */
  cpuSeconds: number | null;
  /** cpuSeconds over the same span's wall time. */
  cores: number | null;
  /**
   * Cores' worth of time its threads were ready to run but waiting for a core (Linux schedstat,
   * summed over its threads): a broker starved by saga-sim's threads answers late. Null as cpuSeconds.
   */
  waitingCores: number | null;
  /** Times its threads were put on a core, per order placed: its wake-ups, about, each a context switch. Null as cpuSeconds. */
  runsPerSaga: number | null;
  /** Peak resident memory of the process (VmHWM), MB; null without /proc. */
  maxRssMb: number | null;
  /** Messages and bytes into and out of the server (every client: services, observer, load) per order placed. */
  inMsgsPerSaga: number;
  outMsgsPerSaga: number;
  inBytesPerSaga: number;
  outBytesPerSaga: number;
}

/** One reading of the server's counters (/varz) and of its process. */
export interface BrokerSample {
  at: number;
  pid: number | undefined;
  cpuSeconds: number | undefined;
  /** Its threads' summed time on a run queue, ms, and times they were put on a core (schedstat). */
  runQueueMs: number | undefined;
  runs: number | undefined;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
}

/** The process a usage is read from: an embedded server (its pid changes when a fault restarts it). */
export interface MonitoredServer {
  monitorUrl: string;
  pid(): number | undefined;
}

/** /proc/<pid>/stat counts CPU in clock ticks; USER_HZ is 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function procPeakRssMb(pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

function schedOf(pid: number | undefined): { runQueueMs: number | undefined; runs: number | undefined } {
  const sched = pid === undefined ? null : readProcessCpu(pid);
  return { runQueueMs: sched?.waitMs, runs: sched?.runs };
}

/** Reads the counters; undefined when the server does not answer (killed by a fault just then). */
export async function sampleBroker(server: MonitoredServer, at: number): Promise<BrokerSample | undefined> {
  try {
    const res = await fetch(`${server.monitorUrl}/varz`, { signal: AbortSignal.timeout(2000) });
    const v = (await res.json()) as { in_msgs: number; out_msgs: number; in_bytes: number; out_bytes: number };
    const pid = server.pid();
    return {
      at,
      pid,
      cpuSeconds: pid === undefined ? undefined : procCpuSeconds(pid),
      ...schedOf(pid),
      inMsgs: v.in_msgs,
      outMsgs: v.out_msgs,
      inBytes: v.in_bytes,
      outBytes: v.out_bytes,
    };
  } catch {
    return undefined;
  }
}

const per = (delta: number, sagas: number, digits: number) => (sagas > 0 ? Math.round((delta / sagas) * 10 ** digits) / 10 ** digits : 0);

/**
 * The usage between two samples of the same server. A restart in between (a broker fault) resets
 * its counters and starts a new process: the message counts then cover the new process only, and
 * its CPU is not reported (the old process's is gone with it).
 */
export function brokerUsage(start: BrokerSample, end: BrokerSample, sagas: number): BrokerUsage {
  const restarted = start.pid !== end.pid || end.inMsgs < start.inMsgs;
  const base = restarted ? { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0 } : start;
  const cpu = !restarted && start.cpuSeconds !== undefined && end.cpuSeconds !== undefined ? end.cpuSeconds - start.cpuSeconds : undefined;
  const seconds = (end.at - start.at) / 1000;
  const delta = (a: number | undefined, b: number | undefined) => (!restarted && a !== undefined && b !== undefined ? b - a : undefined);
  const waitMs = delta(start.runQueueMs, end.runQueueMs);
  const runs = delta(start.runs, end.runs);
  return {
    cpuSeconds: cpu === undefined ? null : Math.round(cpu * 100) / 100,
    cores: cpu === undefined || seconds <= 0 ? null : Math.round((cpu / seconds) * 100) / 100,
    waitingCores: waitMs === undefined || seconds <= 0 ? null : Math.round((waitMs / 1000 / seconds) * 100) / 100,
    runsPerSaga: runs === undefined ? null : per(runs, sagas, 2),
    maxRssMb: end.pid === undefined ? null : procPeakRssMb(end.pid),
    inMsgsPerSaga: per(end.inMsgs - base.inMsgs, sagas, 2),
    outMsgsPerSaga: per(end.outMsgs - base.outMsgs, sagas, 2),
    inBytesPerSaga: per(end.inBytes - base.inBytes, sagas, 0),
    outBytesPerSaga: per(end.outBytes - base.outBytes, sagas, 0),
  };
}
