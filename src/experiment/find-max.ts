import type { LatencyTrend } from '../metrics/latency-trend.js';
import type { Report } from '../report/report.js';
import type { Threshold } from '../verify/thresholds.js';
import { evaluateThresholds } from '../verify/thresholds.js';

/** One rate tried by --find-max. */
export interface CurvePoint {
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  sustained: boolean;
  /** Why not sustained: the SLO, the throughput, a climbing latency, or the invariants. */
  why?: string;
  /** Median latency of the step's first and last half (absent in a curve built without reports). */
  trend?: LatencyTrend | null;
}

/**
 * A rate is sustained when the SLO holds, achieved throughput keeps within this share of offered,
 * latency does not climb through the step (LatencyTrend), and invariants pass.
 */
export const SUSTAIN_SHARE = 0.95;
/** Rate multiplier while stepping up, and bisection rounds once a rate fails. */
export const STEP_FACTOR = 1.5;
export const BISECT_ROUNDS = 3;

export function judge(rate: number, report: Report, slo: Threshold | undefined): CurvePoint {
  const achieved = report.throughput.sagasPerSecond;
  const point: CurvePoint = { rate, achieved, p50: report.latency.ms.p50, p99: report.latency.ms.p99, sustained: true, trend: report.latency.trend ?? null };
  const failedSlo = slo && !evaluateThresholds([slo], report)[0]?.passed;
  if (!report.passed) return { ...point, sustained: false, why: 'invariants or pending orders' };
  // No samples would read as p99 = 0 and pass any latency SLO.
  if (report.latency.ms.count === 0) return { ...point, sustained: false, why: 'no latency samples after the warm-up' };
  if (failedSlo) return { ...point, sustained: false, why: `SLO ${slo.expression}` };
  if (achieved < rate * SUSTAIN_SHARE) return { ...point, sustained: false, why: `achieved < ${SUSTAIN_SHARE * 100}% of offered` };
  // Within 95% over a short step, a queue can still grow all through it: latency then climbs.
  const trend = report.latency.trend;
  if (trend?.growing) return { ...point, sustained: false, why: `latency climbed (p50 ${trend.firstHalfP50Ms} → ${trend.lastHalfP50Ms} ms): a queue built up` };
  return point;
}

export interface FindMaxOptions {
  /** No rate above this is tried. Default 1,000,000/s. */
  maxRate?: number;
  /** Checked after each step: true ends the search with the steps done (Ctrl-C). */
  stopped?: () => boolean;
}

/**
 * Steps the rate up by STEP_FACTOR until a rate is not sustained, then bisects between the last
 * sustained and the first failed rate. `measure` runs one fixed-rate step on fresh state.
 */
export async function findMax(start: number, measure: (rate: number) => Promise<CurvePoint>, options: FindMaxOptions = {}): Promise<{ best?: CurvePoint; curve: CurvePoint[] }> {
  const { maxRate = 1_000_000, stopped = () => false } = options;
  const curve: CurvePoint[] = [];
  let good: CurvePoint | undefined;
  let bad: CurvePoint | undefined;
  for (let rate = start; rate <= maxRate; rate = Math.round(rate * STEP_FACTOR)) {
    const point = await measure(rate);
    curve.push(point);
    if (stopped()) return { best: good, curve: curve.sort((a, b) => a.rate - b.rate) };
    if (!point.sustained) {
      bad = point;
      break;
    }
    good = point;
  }
  for (let round = 0; round < BISECT_ROUNDS && bad && (good?.rate ?? 0) < bad.rate - 1; round++) {
    const rate = Math.round(((good?.rate ?? 0) + bad.rate) / 2);
    if (rate <= 0) break;
    const point = await measure(rate);
    curve.push(point);
    if (stopped()) break;
    if (point.sustained) good = point;
    else bad = point;
  }
  curve.sort((a, b) => a.rate - b.rate);
  return { best: good, curve };
}
