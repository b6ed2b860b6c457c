import { describe, expect, it } from 'vitest';
import { TrendRecorder } from './latency-trend.js';

/** One saga every `everyMs` for `forMs`, each with the latency `latency(offset)`. */
function record(forMs: number, everyMs: number, latency: (offsetMs: number) => number): TrendRecorder {
  const recorder = new TrendRecorder();
  for (let t = 0; t < forMs; t += everyMs) recorder.record(t, latency(t));
  return recorder;
}

/** Medians come from log buckets four to a doubling: within 9% of the true value. */
const near = (actual: number | undefined, expected: number) => expect(Math.abs((actual ?? NaN) - expected) / expected).toBeLessThan(0.09);

describe('latency trend', () => {
  it('is level for a steady system, noisy or not', () => {
    const steady = record(5000, 1, () => 2).trend();
    expect(steady).toMatchObject({ growing: false });
    near(steady?.firstHalfP50Ms, 2);
    near(steady?.lastHalfP50Ms, 2);
    // A millisecond-scale run whose last half is three times slower: a doubling, but not 25 ms of it.
    expect(record(5000, 1, (t) => (t < 2500 ? 1 : 3)).trend()).toMatchObject({ growing: false });
    // Warm-up is slow and the rest fast: falling is never a queue.
    expect(record(5000, 1, (t) => (t < 500 ? 200 : 2)).trend()).toMatchObject({ growing: false });
  });

  it('is not moved by hiccups that queue and drain: the median, unlike the mean, stays', () => {
    // Near saturation, 3% of the last half's sagas caught a 300 ms hiccup: the last half's mean
    // would be three times the first's (5 → 14 ms), its median is not.
    const trend = record(6000, 1, (t) => (t >= 3000 && t % 100 < 3 ? 300 : 5)).trend();
    expect(trend).toMatchObject({ growing: false });
    near(trend?.lastHalfP50Ms, 5);
  });

  it('climbs when a queue builds: each saga waits longer than the one intended before it', () => {
    // Offered 2% over capacity: the wait grows by 20 ms each second.
    const trend = record(5000, 1, (t) => 2 + t * 0.02).trend();
    expect(trend?.growing).toBe(true);
    near(trend?.firstHalfP50Ms, 2 + 1250 * 0.02);
    near(trend?.lastHalfP50Ms, 2 + 3750 * 0.02);
  });

  it('has no trend when every saga was intended in one 250 ms slice, or nothing was measured', () => {
    expect(record(200, 1, () => 5).trend()).toBeNull();
    expect(new TrendRecorder().trend()).toBeNull();
    // Warm-up sagas (intended before what is measured) are left out.
    const recorder = new TrendRecorder();
    recorder.record(-500, 900);
    recorder.record(10, 1);
    expect(recorder.trend()).toBeNull();
  });
});

describe('latency trend over a long run', () => {
  it('keeps a bounded number of slices (a day at 100/s), and still reads the halves', () => {
    const recorder = new TrendRecorder();
    const day = 24 * 3600 * 1000;
    // One saga every 10 ms for a day: 2 ms in the first half, 60 ms in the last (a queue built).
    for (let t = 0; t < day; t += 10) recorder.record(t, t < day / 2 ? 2 : 60);
    expect(recorder.size).toBeLessThanOrEqual(1024);
    const trend = recorder.trend();
    expect(trend?.growing).toBe(true);
    near(trend?.firstHalfP50Ms, 2);
    near(trend?.lastHalfP50Ms, 60);
  });
});
