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

  it('keeps 3 significant digits from 1 µs and clamps beyond 60 s', () => {
    const h = createHistogram();
    recordMs(h, 1.234);
    expect(Math.abs(summarize(h).p50 - 1.234)).toBeLessThanOrEqual(0.002);
    recordMs(h, 120_000);
    expect(summarize(h).max).toBeGreaterThanOrEqual(59_900);
    expect(summarize(h).max).toBeLessThanOrEqual(60_100);
  });
});
