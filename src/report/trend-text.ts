import { climbs, type LatencyTrend } from '../metrics/latency-trend.js';

const ms = (v: number) => `${Math.round(v * 100) / 100} ms`;

/** "p50 3.1 ms → 2.9 ms (first → last half of the load): level", or climbing with a queue, or falling as one drains. */
export function trendText(t: LatencyTrend): string {
  // The mirror of `growing`: a queue built early (a cold start) that the run then worked off.
  const falling = climbs(t.lastHalfP50Ms, t.firstHalfP50Ms);
  const verdict = t.growing ? 'CLIMBING, a queue built up; the offered rate was not sustained' : falling ? 'falling, an early queue drained' : 'level';
  return `p50 ${ms(t.firstHalfP50Ms)} → ${ms(t.lastHalfP50Ms)} (first → last half of the load): ${verdict}`;
}
