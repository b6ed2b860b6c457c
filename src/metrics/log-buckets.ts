/**
 * Latency counts per log-scale bucket (1-2-5 steps, as oha draws its histogram): each sample lands
 * in O(1), so the live view can show a real distribution every snapshot without walking the HDR
 * histogram.
 */
export const BUCKET_BOUNDS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let decade = 0.01; decade < 100_000; decade *= 10) for (const step of [1, 2, 5]) bounds.push(Math.round(decade * step * 1000) / 1000);
  return bounds;
})();

export class LogBuckets {
  readonly counts = new Array<number>(BUCKET_BOUNDS_MS.length + 1).fill(0);

  add(ms: number): void {
    // First bound at or above the sample; above the last, the overflow bucket.
    let lo = 0;
    let hi = BUCKET_BOUNDS_MS.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((BUCKET_BOUNDS_MS[mid] as number) < ms) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo] = (this.counts[lo] ?? 0) + 1;
  }

  /** The buckets from the first to the last that holds a sample: upper bound (ms; Infinity for the overflow) and count. */
  spread(): { upToMs: number; count: number }[] {
    const first = this.counts.findIndex((c) => c > 0);
    if (first < 0) return [];
    const last = this.counts.length - 1 - [...this.counts].reverse().findIndex((c) => c > 0);
    return this.counts.slice(first, last + 1).map((count, i) => ({ upToMs: BUCKET_BOUNDS_MS[first + i] ?? Infinity, count }));
  }
}
