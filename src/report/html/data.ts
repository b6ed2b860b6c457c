import type { Figure } from '../../experiment/compare.js';
import type { CurvePoint } from '../../experiment/find-max.js';
import type { SweepPoint } from '../../experiment/sweep.js';
import { decodeHistogram } from '../../metrics/histogram.js';
import type { Report } from '../report.js';

/** HdrHistogram's plotter axis: a percentile p drawn at 1/(1-p), so 90%, 99% and 99.9% are evenly spaced. */
export function percentileSeries(encoded: string): { x: number[]; ms: number[] } {
  const h = decodeHistogram(encoded);
  const x: number[] = [];
  const ms: number[] = [];
  if (h.totalCount === 0) return { x, ms };
  // Five points per halving of the distance to 100%, as HdrHistogram's percentile output ticks.
  for (let k = 0; k <= 5 * 20; k++) {
    const p = 100 * (1 - 0.5 ** (k / 5));
    x.push(1 / (1 - p / 100));
    ms.push(h.getValueAtPercentile(p) / 1000);
    if (p >= 100 * (1 - 1 / h.totalCount)) break;
  }
  x.push(Math.max((x.at(-1) ?? 1) * 2, h.totalCount));
  ms.push(h.maxValue / 1000);
  return { x, ms };
}

export interface RunPage {
  kind: 'run';
  title: string;
  report: Pick<Report, 'scenario' | 'seed' | 'delivery' | 'state' | 'topology' | 'orders' | 'compensations' | 'throughput' | 'invariants' | 'passed' | 'timeline' | 'faults' | 'durationSeconds'> & {
    steps: Record<string, { p50: number; p99: number }>;
    latency: { corrected: ReturnType<typeof percentileSeries>; uncorrected: ReturnType<typeof percentileSeries> };
  };
}
export interface SweepPage {
  kind: 'sweep';
  title: string;
  param: string;
  points: Pick<SweepPoint, 'value' | 'share' | 'ci' | 'expected' | 'flagged' | 'orders' | 'invariantsPassed'>[];
}
export interface CurvePage {
  kind: 'find-max';
  title: string;
  curve: CurvePoint[];
  best: number | null;
}
export interface ComparePage {
  kind: 'compare';
  title: string;
  files: string[];
  settings: string[];
  figures: Figure[];
  rules: string[];
}
export type PageData = RunPage | SweepPage | CurvePage | ComparePage;

export function runPage(report: Report, title: string): RunPage {
  const s = report.latency.steps;
  return {
    kind: 'run',
    title,
    report: {
      scenario: report.scenario,
      seed: report.seed,
      delivery: report.delivery,
      state: report.state,
      topology: report.topology,
      orders: report.orders,
      compensations: report.compensations,
      throughput: report.throughput,
      invariants: report.invariants,
      passed: report.passed,
      timeline: report.timeline,
      faults: report.faults,
      durationSeconds: report.durationSeconds,
      steps: { 'created → payment': s.payment, 'created → inventory': s.inventory, 'decision → compensation': s.compensation },
      latency: { corrected: percentileSeries(report.latency.hdr.corrected), uncorrected: percentileSeries(report.latency.hdr.uncorrected) },
    },
  };
}

export function sweepPage(param: string, points: readonly SweepPoint[], title: string): SweepPage {
  return { kind: 'sweep', title, param, points: points.map(({ value, share, ci, expected, flagged, orders, invariantsPassed }) => ({ value, share, ci, expected, flagged, orders, invariantsPassed })) };
}

export function curvePage(curve: readonly CurvePoint[], best: CurvePoint | undefined, title: string): CurvePage {
  return { kind: 'find-max', title, curve: [...curve], best: best?.rate ?? null };
}
