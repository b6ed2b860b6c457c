import { decodeHistogram, type Histogram } from '../metrics/histogram.js';
import type { Report } from '../report/report.js';
import { wilson, Z_95 } from './wilson.js';

/** How a figure's change is judged against noise (see NOISE_RULES). */
export type NoiseRule = 'wilson' | 'percentile' | 'count' | 'fixed';

export interface Figure {
  name: string;
  unit: '' | 'ms' | 'sagas/s' | 's' | 'MB' | '%';
  /** Lower is better (latency, CPU), higher is better (throughput), or neither (shares). */
  better: 'lower' | 'higher' | 'neither';
  rule: NoiseRule;
  /** The value in each report, undefined where a report lacks it (no broker usage on an external server). */
  values: (number | undefined)[];
  /** Change of each report against the first, as a ratio (b / a); undefined for the first. */
  ratios: (number | undefined)[];
  /** Beyond the noise: the change is real by the figure's rule. */
  flagged: boolean[];
}

export const NOISE_RULES: Record<NoiseRule, string> = {
  wilson: 'shares: flagged when the two runs\' 95% Wilson intervals do not overlap',
  percentile:
    'latency: flagged when the percentile\'s 95% intervals from the two histograms (order statistics) do not overlap, and the change is larger than either run\'s own drift (its first against its last half median, at least 1.5x), widened by the share of time the runs waited for a core (a busy machine), and squared for p99 and p99.9, whose run-to-run spread is wider',
  count:
    'counts per saga: flagged beyond 5% (they are counts, so only retries and duplicates move them), widened for state writes and the broker traffic they make by the difference in writes that timing made (interim writes stored alone, retried or in conflict)',
  fixed: 'throughput, CPU and memory: no run measures its own spread of these, so flagged beyond 20% (throughput and CPU: widened by the share of time the runs waited for a core)',
};

const PERCENTILES = [
  ['p50', 50],
  ['p90', 90],
  ['p99', 99],
  ['p99.9', 99.9],
] as const;

/** A report from `run --report` or `bench --json` (which wraps it). */
export function reportOf(json: unknown, file: string): Report {
  const candidate = (json as { report?: unknown })?.report ?? json;
  const r = candidate as Partial<Report>;
  if (!r || r.schemaVersion !== 1 || !r.latency?.hdr || !r.orders) throw new Error(`${file}: not a saga-sim report (expected the JSON of run --report or bench --json, schemaVersion 1)`);
  return r as Report;
}

/** The 95% interval of percentile q (0..100) from a histogram, by the binomial spread of its rank. */
export function percentileInterval(h: Histogram, q: number): [number, number] {
  const n = h.totalCount;
  if (n === 0) return [0, 0];
  const p = q / 100;
  const half = Z_95 * Math.sqrt(n * p * (1 - p));
  const at = (rank: number) => h.getValueAtPercentile(Math.min(100, Math.max(0, (rank / n) * 100))) / 1000;
  return [at(n * p - half), at(n * p + half)];
}

/**
 * How much of the run its threads spent ready but waiting for a core, against the time they ran
 * (saga-sim's threads and the broker): near 0 on a quiet machine, 1 or more when something else
 * shared the cores. Latency then measures the machine as much as the settings.
 */
function contention(r: Report): number {
  const threads = Object.values(r.process.threads ?? {});
  const broker = r.broker.usage;
  const cores = threads.reduce((n, t) => n + t.cores, 0) + (broker?.cores ?? 0);
  const waiting = threads.reduce((n, t) => n + t.waitingCores, 0) + (broker?.waitingCores ?? 0);
  return cores > 0 ? waiting / cores : 0;
}

/** A run's own drift: its first half's median latency against its last half's, as a ratio of at least 1. */
function drift(r: Report): number {
  const t = r.latency.trend;
  if (!t || t.firstHalfP50Ms <= 0 || t.lastHalfP50Ms <= 0) return 1;
  return Math.max(t.firstHalfP50Ms / t.lastHalfP50Ms, t.lastHalfP50Ms / t.firstHalfP50Ms);
}

/** A run's state writes, and those of them its timing made: interim writes that missed their coalescing window, retries and conflicts. */
function writes(r: Report): { all: number; timed: number } {
  const services = Object.values(r.services);
  // Reports written before a counter existed lack it.
  const count = (n: number | undefined) => n ?? 0;
  const all = services.reduce((n, s) => n + count(s.stateWrites), 0);
  const timed = services.reduce((n, s) => n + count(s.stateWritesAlone) + count(s.stateRetries) + count(s.stateConflicts), 0);
  return { all, timed };
}

/**
 * How far two runs' write counts may differ by timing alone, as a share of the first's writes: a
 * busy machine delays a reply past the coalescing window, and a write goes alone that would have
 * been stored with the next (so do retries). Broker traffic per saga carries those writes too.
 */
function timedWrites(a: Report, b: Report): number {
  const [wa, wb] = [writes(a), writes(b)];
  const perSaga = (n: number, r: Report) => (r.orders.total > 0 ? n / r.orders.total : 0);
  const base = perSaga(wa.all, a);
  return base > 0 ? Math.abs(perSaga(wa.timed, a) - perSaga(wb.timed, b)) / base : 0;
}

const disjoint = (a: [number, number], b: [number, number]) => a[1] < b[0] || b[1] < a[0];

/** Every figure of each report, judged against the first report. */
export function compareReports(reports: readonly Report[]): Figure[] {
  const hist = reports.map((r) => ({ corrected: decodeHistogram(r.latency.hdr.corrected), uncorrected: decodeHistogram(r.latency.hdr.uncorrected) }));
  const figures: Figure[] = [];
  const add = (name: string, unit: Figure['unit'], better: Figure['better'], rule: NoiseRule, value: (r: Report) => number | undefined, real: (i: number, a: number, b: number) => boolean) => {
    const values = reports.map(value);
    const base = values[0];
    const ratios = values.map((v, i) => (i === 0 || v === undefined || base === undefined || base === 0 ? undefined : v / base));
    const flagged = values.map((v, i) => i > 0 && v !== undefined && base !== undefined && real(i, base, v));
    figures.push({ name, unit, better, rule, values, ratios, flagged });
  };
  const beyond = (limit: number) => (_i: number, a: number, b: number) => a === 0 ? b !== 0 : Math.abs(b / a - 1) > limit;
  // A run that waited for cores falls behind its offered rate and spends more CPU per saga (its
  // threads wake and switch more): those limits widen as latency's does.
  const [first] = reports;
  const contended = (i: number, a: number, b: number) => beyond(0.2 * (1 + Math.max(contention(first as Report), contention(reports[i] as Report))))(i, a, b);
  add('throughput', 'sagas/s', 'higher', 'fixed', (r) => r.throughput.sagasPerSecond, contended);
  for (const [kind, key] of [['corrected', 'ms'], ['uncorrected', 'uncorrectedMs']] as const) {
    for (const [label, q] of PERCENTILES) {
      if (kind === 'uncorrected' && label !== 'p50' && label !== 'p99') continue;
      add(`latency ${label}${kind === 'uncorrected' ? ' (uncorrected)' : ''}`, 'ms', 'lower', 'percentile', (r) => r.latency[key][label === 'p99.9' ? 'p999' : label], (i, a, b) => {
        const ci = (j: number) => percentileInterval(hist[j]?.[kind] as Histogram, q);
        const [a0, b0] = [reports[0] as Report, reports[i] as Report];
        const base = Math.max(1.5, drift(a0), drift(b0)) * (1 + Math.max(contention(a0), contention(b0)));
        const noise = q >= 99 ? base * base : base;
        return disjoint(ci(0), ci(i)) && a > 0 && b > 0 && Math.max(a / b, b / a) > noise;
      });
    }
  }
  for (const outcome of ['confirmed', 'cancelled', 'failed'] as const) {
    add(`${outcome} share`, '%', 'neither', 'wilson', (r) => (r.orders.total === 0 ? undefined : (r.orders[outcome] / r.orders.total) * 100), (i) => {
      const ci = (r: Report) => wilson(r.orders[outcome], r.orders.total);
      return disjoint(ci(reports[0] as Report), ci(reports[i] as Report));
    });
  }
  const perSaga = (r: Report, n: number) => (r.orders.total === 0 ? undefined : n / r.orders.total);
  add('cpu per 1000 sagas', 's', 'lower', 'fixed', (r) => (r.orders.total === 0 ? undefined : (r.process.cpuSeconds / r.orders.total) * 1000), contended);
  add('max rss', 'MB', 'lower', 'fixed', (r) => r.process.maxRssMb, beyond(0.2));
  const written = (i: number, a: number, b: number) => beyond(0.05 + timedWrites(first as Report, reports[i] as Report))(i, a, b);
  add('broker messages in per saga', '', 'lower', 'count', (r) => r.broker.usage?.inMsgsPerSaga, written);
  add('broker messages out per saga', '', 'lower', 'count', (r) => r.broker.usage?.outMsgsPerSaga, written);
  add('broker bytes in per saga', '', 'lower', 'count', (r) => r.broker.usage?.inBytesPerSaga, written);
  add('state writes per saga', '', 'lower', 'count', (r) => perSaga(r, writes(r).all), written);
  return figures;
}
