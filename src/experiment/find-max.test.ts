import { describe, expect, it } from 'vitest';
import type { Report } from '../report/report.js';
import { parseThreshold } from '../verify/thresholds.js';
import { findMax, judge, type CurvePoint } from './find-max.js';

/** A system that sustains anything up to `limit`. */
const system = (limit: number) => async (rate: number): Promise<CurvePoint> => ({
  rate,
  achieved: Math.min(rate, limit),
  p50: 1,
  p99: rate > limit ? 500 : 5,
  sustained: rate <= limit,
});

describe('judging a rate', () => {
  it('never counts a run without latency samples as meeting a latency SLO', () => {
    const report = {
      passed: true,
      throughput: { sagasPerSecond: 100 },
      latency: { ms: { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0, mean: 0 } },
    } as unknown as Report;
    expect(judge(100, report, parseThreshold('latency.p99 < 1us'))).toMatchObject({ sustained: false, why: 'no latency samples after the warm-up' });
  });
});

describe('judging a rate by its latency trend', () => {
  const report = (trend: Report['latency']['trend']) =>
    ({
      passed: true,
      throughput: { sagasPerSecond: 5589 },
      latency: { ms: { count: 20_000, p50: 714, p90: 1000, p99: 1173, p999: 1200, p9999: 1200, max: 1200, mean: 700 }, trend },
    }) as unknown as Report;

  it('does not sustain a rate whose latency climbed through the step, though it achieved 98% of offered', () => {
    expect(judge(5696, report({ firstHalfP50Ms: 310, lastHalfP50Ms: 1010, growing: true }), undefined)).toMatchObject({
      sustained: false,
      why: 'latency climbed (p50 310 → 1010 ms): a queue built up',
    });
    // The step's trend goes into the curve (find-max --json), sustained or not.
    expect(judge(5696, report({ firstHalfP50Ms: 700, lastHalfP50Ms: 705, growing: false }), undefined)).toMatchObject({
      sustained: true,
      trend: { firstHalfP50Ms: 700, lastHalfP50Ms: 705, growing: false },
    });
    expect(judge(5696, report(null), undefined)).toMatchObject({ sustained: true });
  });
});

describe('find-max', () => {
  it('steps up ×1.5, then bisects between the last sustained and the first failed rate', async () => {
    const { best, curve } = await findMax(100, system(1000));
    expect(curve.map((p) => p.rate)).toEqual(expect.arrayContaining([100, 150, 225, 338, 507, 761, 1142]));
    expect(best?.rate).toBeGreaterThanOrEqual(900);
    expect(best?.rate).toBeLessThanOrEqual(1000);
    expect(curve.filter((p) => !p.sustained).every((p) => p.rate > 1000)).toBe(true);
  });

  it('bisects below the start rate when the start already fails', async () => {
    const { best } = await findMax(2000, system(1000));
    expect(best?.rate).toBe(1000);
  });

  it('reports no best rate when nothing is sustained', async () => {
    const { best, curve } = await findMax(200, system(0));
    expect(best).toBeUndefined();
    expect(curve.every((p) => !p.sustained)).toBe(true);
  });

  it('stops after the step in which a stop was asked (Ctrl-C), keeping the steps done and no best from the stopped one', async () => {
    let steps = 0;
    const measure = system(1000);
    const { best, curve } = await findMax(100, (rate) => (steps++, measure(rate)), { stopped: () => steps >= 3 });
    expect(curve.map((p) => p.rate)).toEqual([100, 150, 225]);
    expect(best?.rate).toBe(150);
  });
});
