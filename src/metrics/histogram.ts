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

/** The ladder's percentiles, ascending; 100 is the max. */
const LADDER = [50, 90, 99, 99.9, 99.99, 100] as const;

/** The counts-array view of hdr-histogram-js's JS implementation, which createHistogram() always builds. */
interface CountsView {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

/**
 * The whole ladder in one pass over the counts. It gives exactly what getValueAtPercentile() and
 * mean give, which walk the counts once per call: at 10 snapshots a second that was half the main
 * thread's time. Max is the top bucket's highest equivalent value, as HdrHistogram reports it.
 */
export function summarize(histogram: Histogram): LatencySummary {
  const total = histogram.totalCount;
  const values: number[] = [];
  let sum = 0;
  if (total > 0) {
    const view = histogram as unknown as CountsView;
    const targets = LADDER.map((p) => countAtPercentile(p, total));
    let next = 0;
    let seen = 0;
    for (let i = 0; i < view.countsArrayLength && seen < total; i++) {
      const count = view.getCountAtIndex(i);
      if (count === 0) continue;
      seen += count;
      const value = view.valueFromIndex(i);
      sum += count * view.medianEquivalentValue(value);
      while (next < targets.length && seen >= (targets[next] as number)) {
        values.push(view.highestEquivalentValue(value));
        next++;
      }
    }
  }
  const ms = (us: number | undefined) => Math.round(us ?? 0) / 1000;
  return {
    count: total,
    p50: ms(values[0]),
    p90: ms(values[1]),
    p99: ms(values[2]),
    p999: ms(values[3]),
    p9999: ms(values[4]),
    max: ms(values[5]),
    mean: ms(total === 0 ? 0 : sum / total),
  };
}

/** The count a percentile must reach, rounded up as HdrHistogram does (guarding 1-ulp float error). */
function countAtPercentile(percentile: number, total: number): number {
  const fp = (percentile / 100) * total;
  return Math.max(1, Math.ceil(fp - ulp(fp)));
}

function ulp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

/** Compressed form for crossing threads or files; merge on the receiving side with add(). */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Encoded histograms (absent ones skipped) added into one: its percentiles are those of every sample. */
export function mergeEncoded(encoded: readonly (string | undefined)[]): Histogram {
  const all = createHistogram();
  for (const e of encoded) if (e) all.add(decodeHistogram(e));
  return all;
}
