import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, recordMs, summarize } from './histogram.js';

describe('latency histograms', () => {
  it('merging per-worker histograms gives the percentiles of one histogram of all samples', () => {
    const all = createHistogram();
    const parts = [createHistogram(), createHistogram(), createHistogram()];
    let x = 12345;
    for (let i = 0; i < 30_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const ms = 0.05 + (x / 2 ** 31) ** 3 * 2000;
      recordMs(all, ms);
      recordMs(parts[i % 3] as ReturnType<typeof createHistogram>, ms);
    }
    const merged = createHistogram();
    for (const part of parts) merged.add(decodeHistogram(encodeHistogram(part)));
    expect(summarize(merged)).toEqual(summarize(all));
  });

  it('the one-pass ladder equals getValueAtPercentile() and mean exactly', () => {
    const h = createHistogram();
    let x = 99;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      recordMs(h, 0.002 + (x / 2 ** 31) ** 4 * 30_000);
    }
    const ms = (us: number) => Math.round(us) / 1000;
    expect(summarize(h)).toEqual({
      count: 20_000,
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      p9999: ms(h.getValueAtPercentile(99.99)),
      max: ms(h.getValueAtPercentile(100)),
      mean: ms(h.mean),
    });
    expect(summarize(createHistogram())).toMatchObject({ count: 0, p50: 0, max: 0, mean: 0 });
  });

  it('keeps 3 significant digits from 1 µs and clamps beyond 60 s', () => {
    const h = createHistogram();
    recordMs(h, 1.234);
    expect(Math.abs(summarize(h).p50 - 1.234)).toBeLessThanOrEqual(0.002);
    recordMs(h, 120_000);
    expect(summarize(h).max).toBeGreaterThanOrEqual(59_900);
    expect(summarize(h).max).toBeLessThanOrEqual(60_100);
  });
});
