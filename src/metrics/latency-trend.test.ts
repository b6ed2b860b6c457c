import { describe, expect, it } from 'vitest';
import { TrendRecorder } from './latency-trend.js';

/** One saga every `everyMs` for `forMs`, each with the latency `latency(offset)`. */
function record(forMs: number, everyMs: number, latency: (offsetMs: number) => number): TrendRecorder {
  const recorder = new TrendRecorder();
  for (let t = 0; t < forMs; t += everyMs) recorder.record(t, latency(t));
  return recorder;
}

describe('latency trend', () => {
  it('is level for a steady system, noisy or not', () => {
    expect(record(5000, 1, () => 2)?.trend()).toEqual({ firstHalfMeanMs: 2, lastHalfMeanMs: 2, growing: false });
    // A millisecond-scale run whose last half is three times slower: a doubling, but not 10 ms of it.
    expect(record(5000, 1, (t) => (t < 2500 ? 1 : 3)).trend()).toMatchObject({ growing: false });
    // Warm-up is slow and the rest fast: falling is never a queue.
    expect(record(5000, 1, (t) => (t < 500 ? 200 : 2)).trend()).toMatchObject({ growing: false });
  });

  it('climbs when a queue builds: each saga waits longer than the one intended before it', () => {
    // Offered 2% over capacity: the wait grows by 20 ms each second.
    const trend = record(5000, 1, (t) => 2 + t * 0.02).trend();
    expect(trend?.growing).toBe(true);
    expect(trend?.firstHalfMeanMs).toBeCloseTo(2 + 1250 * 0.02, 0);
    expect(trend?.lastHalfMeanMs).toBeCloseTo(2 + 3750 * 0.02, 0);
  });

  it('has no trend when every saga was intended in one bucket, or nothing was measured', () => {
    expect(record(50, 1, () => 5).trend()).toBeNull();
    expect(new TrendRecorder().trend()).toBeNull();
    // Warm-up sagas (intended before what is measured) are left out.
    const recorder = new TrendRecorder();
    recorder.record(-500, 900);
    recorder.record(10, 1);
    expect(recorder.trend()).toBeNull();
  });
});
