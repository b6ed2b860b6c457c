import type { LatencyTrend } from '../metrics/latency-trend.js';

const ms = (v: number) => `${Math.round(v * 100) / 100} ms`;

/** "mean 3.1 ms → 2.9 ms (first → last half of the load): level", or climbing with a queue. */
export function trendText(t: LatencyTrend): string {
  return `mean ${ms(t.firstHalfMeanMs)} → ${ms(t.lastHalfMeanMs)} (first → last half of the load): ${t.growing ? 'CLIMBING, a queue built up; the offered rate was not sustained' : 'level'}`;
}
