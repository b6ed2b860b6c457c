/**
 * Whether latency stays level through a run or climbs: the median corrected latency of the sagas
 * intended in the first half of the load, against those intended in the last half.
 *
 * Why: a rate the system cannot keep up with builds a queue, and every saga waits behind more of
 * it than the one before. Over a short step that can hide inside "achieved within 95% of offered"
 * (a step at 5,696/s achieved 5,589 and had a p50 of 714 ms), but it shows plainly as latency
 * that climbs with the intended time, where a steady system's stays level. Medians, not means:
 * near saturation, short hiccups that queue and drain (a 300 ms tail for 2% of sagas) moved the
 * mean of one half to three times the other's in a run that kept up for 60 s.
 */
export interface LatencyTrend {
  firstHalfP50Ms: number;
  lastHalfP50Ms: number;
  /** The last half's median is over GROWTH_FACTOR times the first's and GROWTH_MIN_MS above it. */
  growing: boolean;
}

/** Sagas are grouped by intended time in slices this wide at first. */
const SLICE_MS = 250;
/**
 * A long run doubles the slices' width (merging neighbours) rather than keep more than this: memory
 * stays under half a megabyte whether the run lasts a minute or a day, which a soak run needs.
 */
const MAX_SLICES = 1024;
/** Each slice keeps a coarse log histogram: four buckets per doubling (±9%), from 10 µs to ~170 s. */
const PER_DOUBLING = 4;
const FLOOR_MS = 0.01;
const BUCKETS = 24 * PER_DOUBLING;
/**
 * 1.5, not 2: medians come in steps of 2^(1/4), and offered twice its capacity a run's halves read
 * 2.86 and 5.72 s, exactly a doubling apart, which "over twice" missed: a queue by any reading.
 */
const GROWTH_FACTOR = 1.5;
/**
 * Below this, a climb is not a queue. Near saturation the median can settle higher without
 * growing (5.6 → 15.8 ms in a 60 s run at 6,000/s whose p99 stayed 266 ms), while a rate even 0.5%
 * over capacity adds 25 ms between the halves of a 10 s step, and more the longer it runs.
 */
const GROWTH_MIN_MS = 25;

/** From `a` to `b` is a climb: over GROWTH_FACTOR times, and by over GROWTH_MIN_MS. */
export const climbs = (a: number, b: number): boolean => b > a * GROWTH_FACTOR && b - a > GROWTH_MIN_MS;

const bucketOf = (ms: number) => Math.min(BUCKETS - 1, Math.max(0, Math.floor(Math.log2(Math.max(ms, FLOOR_MS) / FLOOR_MS) * PER_DOUBLING)));
/** The geometric middle of a bucket. */
const valueOf = (bucket: number) => FLOOR_MS * 2 ** ((bucket + 0.5) / PER_DOUBLING);

export class TrendRecorder {
  /** Per slice of intended time; a slice with no saga has none. */
  private slices: (Uint32Array | undefined)[] = [];
  private sliceMs = SLICE_MS;

  /** `offsetMs`: the saga's intended time after the start of what is measured. */
  record(offsetMs: number, latencyMs: number): void {
    if (offsetMs < 0) return;
    let i = Math.floor(offsetMs / this.sliceMs);
    while (i >= MAX_SLICES) {
      this.coarsen();
      i = Math.floor(offsetMs / this.sliceMs);
    }
    const slice = (this.slices[i] ??= new Uint32Array(BUCKETS));
    slice[bucketOf(latencyMs)]! += 1;
  }

  /** Slices twice as wide: each pair of neighbours merged into one. */
  private coarsen(): void {
    const merged: (Uint32Array | undefined)[] = [];
    this.slices.forEach((slice, i) => {
      if (!slice) return;
      const into = (merged[i >> 1] ??= new Uint32Array(BUCKETS));
      slice.forEach((n, b) => (into[b]! += n));
    });
    this.slices = merged;
    this.sliceMs *= 2;
  }

  /** How many slices are kept: bounded by MAX_SLICES however long the run. */
  get size(): number {
    return this.slices.length;
  }

  /** Null when the sagas measured were intended within one slice: there is no trend to read. */
  trend(): LatencyTrend | null {
    const first = this.slices.findIndex((s) => s !== undefined);
    const last = this.slices.findLastIndex((s) => s !== undefined);
    if (first < 0 || last === first) return null;
    const middle = Math.ceil((first + last + 1) / 2);
    const firstHalfP50Ms = round(this.median(first, middle));
    const lastHalfP50Ms = round(this.median(middle, last + 1));
    return { firstHalfP50Ms, lastHalfP50Ms, growing: climbs(firstHalfP50Ms, lastHalfP50Ms) };
  }

  private median(from: number, to: number): number {
    const merged = new Uint32Array(BUCKETS);
    for (let i = from; i < to; i++) this.slices[i]?.forEach((n, b) => (merged[b]! += n));
    const total = merged.reduce((a, b) => a + b, 0);
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += merged[b]!;
      if (seen * 2 >= total && total > 0) return valueOf(b);
    }
    return 0;
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
