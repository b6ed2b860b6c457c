import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-bench-'));

describe('saga-sim bench', () => {
  it('a fixed-rate bench reports throughput, both latencies, CPU and RSS, and writes JSON and .hgrm', async () => {
    const json = join(work, 'bench.json');
    const hgrm = join(work, 'bench.hgrm');
    const r = await cli(['bench', 'scenarios/happy-path.yaml', '--rate', '300', '--duration', '3s', '--json', json, '--hgrm', hgrm, '--heap', 'lean']);
    expect(r.code).toBe(0);
    // The 2 s warm-up ramps from 0 to 300/s (300 orders), then 300/s for 1 s: 600 orders.
    expect(r.stdout).toMatch(/achieved\s+[\d.]+ sagas\/s \(offered 300\/s\) · 600 orders · 0 pending · invariants pass/);
    expect(r.stdout).toContain('outcomes     600 confirmed · 0 cancelled (0 payment failed · 0 out of stock · 0 both) · 0 failed');
    expect(r.stdout).toMatch(/^corrected(\s+[\d.]+){6}$/m);
    expect(r.stdout).toMatch(/^uncorrected(\s+[\d.]+){6}$/m);
    expect(r.stdout).toMatch(/cpu [\d.]+s \([\d.]+ cores\) · max rss \d+ MB \(saga-sim, lean heap\)/);
    expect(r.stdout).toMatch(/^threads {6}cores on a core: main [\d.]+ · order [\d.]+ · payment [\d.]+ · inventory [\d.]+ · other [\d.]+/m);
    expect(r.stdout).toMatch(/^ {13}event loops busy: main \d+% · order \d+% · payment \d+% · inventory \d+%/m);
    expect(r.stdout).toMatch(/^machine {6}\d+ cores, [\d.]+ busy \(saga-sim [\d.]+ · nats-server [\d.]+\): \d+%/m);
    expect(r.stdout).toMatch(/^broker {7}nats-server cpu [\d.]+s \([\d.]+ cores, [\d.]+ waiting for one, [\d.]+ runs per saga\) · max rss \d+ MB · per saga [\d.]+ msgs in, [\d.]+ out/m);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result).toMatchObject({ mode: 'fixed-rate', rate: 300, report: { orders: { total: 600 }, process: { heap: 'lean' } } });
    // Throughput is that of the measured second, which no drain can push above the offered rate; its
    // arithmetic is unit-tested (src/report/throughput.test.ts). A figure here would measure the machine.
    expect(result.report.throughput.sagasPerSecond).toBeGreaterThan(0);
    expect(result.report.throughput.sagasPerSecond).toBeLessThanOrEqual(301);
    // What a saga costs the broker, with the defaults (KV state, double acks): in, 4 events, 4 acks and
    // 4 state writes (order 2: placed, and the verdict, which also stores the first reply; payment 1;
    // inventory 1); out, 4 PubAcks, 4 write replies, 4 ack confirmations, 4 deliveries to the services
    // and 4 to the observer. The rest is pulls, heartbeats, and a first reply stored alone when the
    // second came over COALESCE_MS later: those depend on the machine's timing, so only the floor is
    // asserted here; the figure with the defaults is tracked in BENCHMARKS.md ("What a saga costs the broker").
    const usage = result.report.broker.usage;
    expect(usage.inMsgsPerSaga).toBeGreaterThanOrEqual(12);
    expect(usage.outMsgsPerSaga).toBeGreaterThanOrEqual(20);
    expect(usage.cpuSeconds).toBeGreaterThan(0);
    // Every thread did some work, and a share is a share.
    for (const share of Object.values(result.report.process.loopBusy) as number[]) {
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    // Linux tells each thread's time on a core apart from its wait for one (schedstat).
    const threads = result.report.process.threads as Record<string, { cores: number; waitingCores: number; runs: number }>;
    expect(Object.keys(threads)).toEqual(['main', 'order', 'payment', 'inventory', 'other']);
    for (const name of ['main', 'order', 'payment', 'inventory']) {
      expect(threads[name]?.cores).toBeGreaterThan(0);
      expect(threads[name]?.cores).toBeLessThanOrEqual(1);
      // Every thread was put on a core; how often per saga depends on how busy the machine is.
      expect(threads[name]?.runs).toBeGreaterThan(0);
    }
    expect(usage.waitingCores).toBeGreaterThanOrEqual(0);
    expect(usage.runsPerSaga).toBeGreaterThan(1);
    const lines = readFileSync(hgrm, 'utf8').split('\n');
    expect(lines[0]).toMatch(/Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
    // The default 2 s warm-up keeps its 300 orders out of the latency figures.
    expect(result.report.latency).toMatchObject({ warmupMs: 2000, ms: { count: 300 } });
    expect(lines.find((l) => l.startsWith('#[Max'))).toMatch(/Total count\s+=\s+300\b/);
  });

  it('--find-max with an SLO no rate can meet exits 1 and says so', async () => {
    const r = await cli(['bench', 'scenarios/happy-path.yaml', '--find-max', '--slo', 'p99<1us', '--rate', '200', '--duration', '1500ms', '--warmup', '500ms']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no rate was sustained');
    expect(r.stdout).toMatch(/200\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+no: SLO latency\.p99<1us/);
  });

  it('--slo without --find-max, a bad SLO, and a warm-up as long as the run are usage errors', async () => {
    const warm = await cli(['bench', 'scenarios/happy-path.yaml', '--duration', '2s', '--warmup', '2s']);
    expect(warm.code).toBe(2);
    expect(warm.stderr).toContain('must be shorter than --duration');
    expect((await cli(['bench', 'scenarios/happy-path.yaml', '--slo', 'p99<5ms'])).code).toBe(2);
    const bad = await cli(['bench', 'scenarios/happy-path.yaml', '--find-max', '--slo', 'p98<5ms']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown metric "latency.p98"');
    const heap = await cli(['bench', 'scenarios/happy-path.yaml', '--heap', 'small']);
    expect(heap.code).toBe(2);
    expect(heap.stderr).toMatch(/--heap <profile>' argument 'small' is invalid. Allowed choices are fast, lean/);
  });
});
