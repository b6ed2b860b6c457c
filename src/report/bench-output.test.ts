import { describe, expect, it } from 'vitest';
import { renderBench } from './bench-output.js';
import type { Report } from './report.js';

const ladder = (base: number) => ({ p50: base, p90: base, p99: base, p999: base, p9999: base, max: base, mean: base, count: 1 });

describe('renderBench', () => {
  it('keeps latency columns apart when values reach tens of seconds', () => {
    const report = {
      scenario: { name: 'x' },
      delivery: 'jetstream',
      state: 'kv',
      topology: 'parallel',
      broker: { version: '2.9.10' },
      throughput: { sagasPerSecond: 1 },
      orders: { total: 1, pending: 0 },
      invariants: [],
      load: { lateSends: 0, maxLagMs: 0 },
      latency: { warmupMs: 0, ms: ladder(12_345.678), uncorrectedMs: ladder(1.5) },
      process: { cpuSeconds: 1, maxRssMb: 1 },
      durationSeconds: 1,
    } as unknown as Report;
    const lines = renderBench(report, 1).split('\n');
    const corrected = lines.find((l) => l.startsWith('corrected'))?.trim().split(/\s+/);
    expect(corrected).toEqual(['corrected', ...Array(6).fill('12345.678')]);
    const header = lines.find((l) => l.startsWith('latency ms')) ?? '';
    // Each header ends where its column's values end.
    expect(header.indexOf('p50') + 3).toBe(lines.find((l) => l.startsWith('corrected'))!.indexOf('12345.678') + 9);
  });
});
