import * as hdr from 'hdr-histogram-js';

/**
 * Every latency histogram in saga-sim comes from here, so range and precision are stated once:
 * values are microseconds from 1 µs to 60 s, with 3 significant digits (0.1% resolution).
 * Larger values are clamped to the top of the range (they still count, as "60 s or more").
 */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 60_000_000;
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

export type Histogram = hdr.Histogram;

export function createHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

/** Records a duration given in milliseconds. */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(Math.min(HISTOGRAM_HIGHEST_US, Math.max(HISTOGRAM_LOWEST_US, us)));
}

/** The percentile ladder every report shows, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
  mean: number;
}

export function summarize(histogram: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    p9999: ms(histogram.getValueAtPercentile(99.99)),
    // The bucket's highest equivalent value, as HdrHistogram reports it, so a merged histogram agrees.
    max: ms(histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(100)),
    mean: ms(histogram.mean),
  };
}

/** Compressed form for crossing threads or files; merge on the receiving side with add(). */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}
