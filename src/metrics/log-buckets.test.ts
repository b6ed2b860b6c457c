import { describe, expect, it } from 'vitest';
import { BUCKET_BOUNDS_MS, LogBuckets } from './log-buckets.js';

describe('log-scale latency buckets', () => {
  it('steps 1-2-5 through each decade', () => {
    expect(BUCKET_BOUNDS_MS.slice(0, 7)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    expect(BUCKET_BOUNDS_MS).toContain(50_000);
  });

  it('counts each sample in the first bucket whose bound holds it, and spans only the buckets in use', () => {
    const b = new LogBuckets();
    for (const ms of [0.9, 1, 1.5, 3, 3, 4.9, 70_000]) b.add(ms);
    const spread = b.spread();
    expect(spread[0]).toEqual({ upToMs: 1, count: 2 });
    expect(spread[1]).toEqual({ upToMs: 2, count: 1 });
    expect(spread[2]).toEqual({ upToMs: 5, count: 3 });
    expect(spread.at(-1)).toEqual({ upToMs: Infinity, count: 1 });
    expect(spread.reduce((n, s) => n + s.count, 0)).toBe(7);
    expect(new LogBuckets().spread()).toEqual([]);
  });
});
