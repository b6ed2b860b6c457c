import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordMs } from '../metrics/histogram.js';
import type { Report } from '../report/report.js';
import { compareReports, percentileInterval, reportOf } from './compare.js';

/** A report with the fields compare reads: latencies drawn around `p50Ms`, and outcome counts. */
function report(p50Ms: number, confirmed: number, total: number, extra: { writes?: number; alone?: number; cpu?: number; drift?: number } = {}): Report {
  const corrected = createHistogram();
  for (let i = 0; i < total; i++) recordMs(corrected, p50Ms * (0.5 + i / total));
  const summary = (p: number) => ({ p50: p, p90: p * 1.3, p99: p * 1.5, p999: p * 1.5, max: p * 1.5, count: total, mean: p });
  const drift = extra.drift ?? 1;
  return {
    schemaVersion: 1,
    orders: { total, confirmed, cancelled: total - confirmed, failed: 0, pending: 0 },
    throughput: { sagasPerSecond: 500, offeredPerSecond: 500 },
    latency: { ms: summary(p50Ms), uncorrectedMs: summary(p50Ms), hdr: { corrected: encodeHistogram(corrected), uncorrected: encodeHistogram(corrected) }, trend: { firstHalfP50Ms: p50Ms * drift, lastHalfP50Ms: p50Ms, growing: false } },
    process: { cpuSeconds: extra.cpu ?? 3, maxRssMb: 200 },
    broker: { usage: { inMsgsPerSaga: 8, outMsgsPerSaga: 16, inBytesPerSaga: 1300 } },
    services: { order: { stateWrites: (extra.writes ?? 0) * total, stateWritesAlone: (extra.alone ?? 0) * total }, payment: { stateWrites: 0 }, inventory: { stateWrites: 0 } },
  } as unknown as Report;
}

const flaggedNames = (reports: Report[]) =>
  compareReports(reports)
    .filter((f) => f.flagged.some(Boolean))
    .map((f) => f.name);

describe('compare', () => {
  it('flags nothing between two runs that differ by noise', () => {
    expect(flaggedNames([report(5, 900, 10_000, { cpu: 3 }), report(5.4, 905, 10_000, { cpu: 3.3 })])).toEqual([]);
  });

  it('flags a median three times slower, a share outside both Wilson intervals, and a change in writes per saga', () => {
    expect(flaggedNames([report(5, 900, 10_000), report(15, 700, 10_000, { writes: 2 })])).toEqual(expect.arrayContaining(['latency p50', 'confirmed share', 'cancelled share', 'state writes per saga']));
  });

  it('does not flag more writes per saga when interim writes that missed their coalescing window account for them', () => {
    const quiet = report(5, 900, 10_000, { writes: 4 });
    expect(flaggedNames([quiet, report(5, 900, 10_000, { writes: 4.5, alone: 0.5 })])).not.toContain('state writes per saga');
    expect(flaggedNames([quiet, report(5, 900, 10_000, { writes: 4.5 })])).toContain('state writes per saga');
  });

  it('does not flag a latency change smaller than the runs\' own drift', () => {
    expect(flaggedNames([report(5, 900, 10_000, { drift: 4 }), report(15, 900, 10_000)])).not.toContain('latency p50');
  });

  it('widens the latency band when the runs waited for cores (a busy machine)', () => {
    const busy = (r: Report) => ({ ...r, process: { ...r.process, threads: { main: { cores: 0.5, waitingCores: 1, runs: 1 } } } }) as Report;
    expect(flaggedNames([report(5, 900, 10_000), report(15, 900, 10_000)])).toContain('latency p50');
    expect(flaggedNames([busy(report(5, 900, 10_000)), report(15, 900, 10_000)])).not.toContain('latency p50');
  });

  it('does not flag a share change that the intervals of small runs cover', () => {
    expect(flaggedNames([report(5, 9, 10), report(5, 6, 10)])).not.toContain('confirmed share');
  });

  it('gives the ratio against the baseline for each later report', () => {
    const p50 = compareReports([report(5, 900, 1000), report(5, 900, 1000), report(10, 900, 1000)]).find((f) => f.name === 'latency p50');
    expect(p50?.ratios).toEqual([undefined, 1, 2]);
  });

  it('reads a percentile interval from the histogram that holds the percentile', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i);
    const [lo, hi] = percentileInterval(h, 50);
    expect(lo).toBeLessThan(500);
    expect(hi).toBeGreaterThan(500);
    expect(hi - lo).toBeLessThan(80);
  });

  it('takes bench --json files as well as reports, and refuses anything else naming the file', () => {
    const r = report(5, 9, 10);
    expect(reportOf({ mode: 'fixed-rate', report: r }, 'b.json')).toBe(r);
    expect(() => reportOf({ curve: [] }, 'fm.json')).toThrow(/^fm\.json: not a saga-sim report/);
  });
});
