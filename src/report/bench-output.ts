import { writeFile } from 'node:fs/promises';
import type { BrokerUsage } from '../broker/server-usage.js';
import type { Baseline } from '../experiment/baseline.js';
import type { CurvePoint } from '../experiment/find-max.js';
import { decodeHistogram, type LatencySummary } from '../metrics/histogram.js';
import type { ThreadCores } from '../metrics/loop-busy.js';
import type { Report } from './report.js';
import { trendText } from './trend-text.js';

const n = (v: number) => String(Math.round(v * 1000) / 1000);

const LADDER = ['p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max'];
/** Wide enough for a minute in ms to three decimals, with a space between columns. */
const CELL = 11;

function ladderRow(label: string, l: LatencySummary): string {
  return [label.padEnd(12), ...[l.p50, l.p90, l.p99, l.p999, l.p9999, l.max].map((v) => n(v).padStart(CELL))].join('');
}

/** The saga mix, so a bench whose scenario ran out of stock partway (from then on a cheaper saga) shows it. */
function outcomeLine(report: Report): string {
  const o = report.orders;
  const r = o.cancelledByReason;
  return `outcomes     ${o.confirmed} confirmed · ${o.cancelled} cancelled (${r.payment_failed} payment failed · ${r.out_of_stock} out of stock · ${r.payment_and_stock} both) · ${o.failed} failed`;
}

/** The plain result table of a fixed-rate bench. */
export function renderBench(report: Report, rate: number): string {
  const cores = report.durationSeconds > 0 ? report.process.cpuSeconds / report.durationSeconds : 0;
  return [
    `bench: ${report.scenario.name} at ${rate}/s · ${report.target ? `target ${report.target.url} (response p50 ${report.target.entry.responseMs.p50.toFixed(2)} ms, p99 ${report.target.entry.responseMs.p99.toFixed(2)} ms)` : `${report.delivery} · ${report.state} state · ${report.topology}`} · nats-server ${report.broker.version}`,
    `achieved     ${report.throughput.sagasPerSecond} sagas/s (offered ${report.throughput.offeredPerSecond}/s) · ${report.orders.total} orders · ${report.orders.pending} pending · invariants ${report.invariants.every((i) => i.passed) ? 'pass' : 'FAIL'}`,
    outcomeLine(report),
    `late sends   ${report.load.lateSends} (max lag ${n(report.load.maxLagMs)} ms) · dropped ${report.load.droppedSends}${report.load.maxInFlight === null ? '' : ` (at ${report.load.maxInFlight} in flight)`}`,
    `${'latency ms'.padEnd(12)}${LADDER.map((h) => h.padStart(CELL)).join('')}   (orders intended in the first ${report.latency.warmupMs} ms are warm-up, not counted)`,
    ladderRow('corrected', report.latency.ms),
    ladderRow('uncorrected', report.latency.uncorrectedMs),
    ...(report.latency.trend ? [`trend        ${trendText(report.latency.trend)}`] : []),
    `process      cpu ${report.process.cpuSeconds}s (${cores.toFixed(2)} cores) · max rss ${report.process.maxRssMb} MB (saga-sim, ${report.process.heap} heap)`,
    ...threadsLines(report.process.threads, report.process.loopBusy, report.orders.total),
    brokerLine(report.broker.usage),
    ...machineLine(report),
    ...generatorLines(report),
  ].join('\n');
}

/** A distributed bench: each generator's sagas/s on its own machine, and the run's combined. */
function generatorLines(report: Report): string[] {
  const generators = report.generators ?? [];
  if (generators.length === 0) return report.part ? [`part         generator ${report.part.index + 1} of ${report.part.count} of run ${report.part.runId}: its share only; the coordinator has the combined figures`] : [];
  return [
    ...generators.map((g, i) => `${i === 0 ? 'generators  ' : '            '} ${g.index + 1}: ${g.id} (pid ${g.pid} on ${g.host}) · ${g.reported ? `${g.sagasPerSecond} sagas/s · ${g.sent} sagas · ${(g.share * 100).toFixed(1)}%` : `VANISHED after ${g.sent} orders`}`),
    `combined     ${report.throughput.sagasPerSecond} sagas/s from ${generators.filter((g) => g.reported).length} of ${generators.length} generators${report.incomplete ? ' · INCOMPLETE' : ''}`,
  ];
}

/** Over this share of the machine's cores busy, what a bench measures is mostly the wait for a core. */
export const SATURATED_SHARE = 0.85;

/**
 * How busy the machine's cores were over the load and drain: saga-sim's threads and nats-server's.
 * On a saturated machine every figure above includes waiting for a core, so it describes the machine
 * as much as the saga design. Needs the threads' schedstat (Linux).
 */
function machineLine(report: Report): string[] {
  const threads = report.process.threads;
  const cores = report.process.availableCores;
  if (!threads || !cores) return [];
  const sagaSim = Object.values(threads).reduce((sum, t) => sum + t.cores, 0);
  const broker = report.broker.usage?.cores ?? null;
  const busy = sagaSim + (broker ?? 0);
  const share = busy / cores;
  const parts = `saga-sim ${sagaSim.toFixed(2)} · nats-server ${broker === null ? 'not measured' : broker.toFixed(2)}`;
  const warning = share > SATURATED_SHARE ? ' · SATURATED: these figures measure the machine as much as the saga design' : '';
  return [`machine      ${cores} cores, ${broker === null ? 'at least ' : ''}${busy.toFixed(2)} busy (${parts}): ${Math.round(share * 100)}%${warning}`];
}

/**
 * Which of saga-sim's threads runs out first, and of what: cores it used, time it was ready but
 * waiting for a core (a starved thread, not a busy one), and its event loop's busy share.
 */
function threadsLines(threads: Record<string, ThreadCores> | null | undefined, busy: Record<string, number> | undefined, sagas: number): string[] {
  const list = (values: [string, string][]) => values.map(([name, v]) => `${name} ${v}`).join(' · ');
  const shares = Object.entries(busy ?? {}).map(([name, share]): [string, string] => [name, `${Math.round(share * 100)}%`]);
  const loops = `event loops busy: ${shares.length > 0 ? list(shares) : 'not measured'} (wall time, waiting for a core included)`;
  if (!threads) return [`threads      ${loops}`];
  const of = (pick: (t: ThreadCores) => number) => list(Object.entries(threads).map(([name, t]) => [name, pick(t).toFixed(2)]));
  return [
    `threads      cores on a core: ${of((t) => t.cores)} (other: GC helpers, I/O, send timer)`,
    `             cores waiting for one: ${of((t) => t.waitingCores)}`,
    `             runs per saga: ${of((t) => (sagas > 0 ? t.runs / sagas : 0))} (times put on a core: its wake-ups, each a context switch)`,
    `             ${loops}`,
  ];
}

/** What nats-server spent beside saga-sim: on a small machine the two share the cores. */
function brokerLine(u: BrokerUsage | null): string {
  if (!u) return 'broker       nats-server not measured: not started by saga-sim (--nats-url), so other clients would be counted';
  const waiting = (u.waitingCores === null ? '' : `, ${u.waitingCores} waiting for one`) + (u.runsPerSaga === null ? '' : `, ${u.runsPerSaga} runs per saga`);
  const cpu = u.cpuSeconds === null ? 'cpu not measured' : `cpu ${u.cpuSeconds}s (${u.cores ?? '?'} cores${waiting})`;
  const rss = u.maxRssMb === null ? '' : ` · max rss ${u.maxRssMb} MB`;
  return `broker       nats-server ${cpu}${rss} · per saga ${u.inMsgsPerSaga} msgs in, ${u.outMsgsPerSaga} out (${u.inBytesPerSaga} + ${u.outBytesPerSaga} bytes)`;
}

export interface BaselineResult extends Baseline {
  delivery: 'jetstream' | 'core';
  /** Saga events published per second during the run. */
  sagaMessagesPerSecond: number;
  /** sagaMessagesPerSecond ÷ the raw rate of the same delivery: the headline, comparable across machines. */
  ratio: number;
}

export function renderBaseline(b: BaselineResult): string {
  return [
    `baseline     raw core pub→sub ${b.coreMsgsPerSecond} msgs/s · raw JetStream publish ${b.jetstreamPublishesPerSecond} msgs/s (${b.payloadBytes}-byte messages, ${b.seconds}s each)`,
    `ratio        saga messages ${b.sagaMessagesPerSecond}/s ÷ raw ${b.delivery === 'core' ? 'core msgs' : 'JetStream publishes'} = ${b.ratio}`,
  ].join('\n');
}

export function renderCurve(curve: readonly CurvePoint[], best: CurvePoint | undefined): string {
  const rows = curve.map((p) => `${String(p.rate).padStart(8)}  ${n(p.achieved).padStart(9)}  ${n(p.p50).padStart(9)}  ${n(p.p99).padStart(9)}  ${p.sustained ? 'yes' : `no: ${p.why}`}`);
  return [
    '    rate   achieved    p50 ms    p99 ms  sustained',
    ...rows,
    best ? `highest sustained rate: ${best.rate}/s (achieved ${best.achieved} sagas/s, p99 ${n(best.p99)} ms)` : 'no rate was sustained; start lower with --rate',
  ].join('\n');
}

/** HdrHistogram's percentile distribution text (values in ms), readable by its plotter. */
export async function writeHgrm(file: string, report: Report): Promise<void> {
  await writeFile(file, decodeHistogram(report.latency.hdr.corrected).outputPercentileDistribution(5, 1000));
}
