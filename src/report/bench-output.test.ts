import { describe, expect, it } from 'vitest';
import { renderBench } from './bench-output.js';
import type { Report } from './report.js';

const ladder = (base: number) => ({ p50: base, p90: base, p99: base, p999: base, p9999: base, max: base, mean: base, count: 1 });

const reportWith = (load: Report['load']) =>
  ({
    scenario: { name: 'x' },
    delivery: 'jetstream',
    state: 'kv',
    topology: 'parallel',
    broker: { version: '2.9.10', usage: null },
    throughput: { sagasPerSecond: 1 },
    orders: { total: 1, pending: 0, confirmed: 1, cancelled: 0, failed: 0, cancelledByReason: { payment_failed: 0, out_of_stock: 0, payment_and_stock: 0 } },
    invariants: [],
    load,
    latency: { warmupMs: 0, ms: ladder(1), uncorrectedMs: ladder(1), trend: null },
    process: { cpuSeconds: 1, maxRssMb: 1 },
    durationSeconds: 1,
  }) as unknown as Report;

describe('renderBench', () => {
  it("gives nats-server's share on a server saga-sim started, and says why not on another", () => {
    const usage = { cpuSeconds: 6.2, cores: 0.55, waitingCores: 0.31, runsPerSaga: 4.98, maxRssMb: 96, inMsgsPerSaga: 8.19, outMsgsPerSaga: 12.02, inBytesPerSaga: 1355, outBytesPerSaga: 2929 };
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    expect(renderBench({ ...report, broker: { ...report.broker, usage } }, 1)).toContain(
      'broker       nats-server cpu 6.2s (0.55 cores, 0.31 waiting for one, 4.98 runs per saga) · max rss 96 MB · per saga 8.19 msgs in, 12.02 out (1355 + 2929 bytes)',
    );
    expect(renderBench({ ...report, broker: { ...report.broker, usage: { ...usage, cpuSeconds: null, cores: null, waitingCores: null, runsPerSaga: null, maxRssMb: null } } }, 1)).toContain(
      'broker       nats-server cpu not measured · per saga 8.19 msgs in',
    );
    expect(renderBench(report, 1)).toContain('nats-server not measured: not started by saga-sim (--nats-url)');
  });

  it('names the busy share of each thread, so the one that runs out first shows', () => {
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    const loopBusy = { main: 0.46, order: 0.714, payment: 0.55, inventory: 0.4 };
    expect(renderBench({ ...report, process: { ...report.process, loopBusy } }, 1)).toContain(
      'threads      event loops busy: main 46% · order 71% · payment 55% · inventory 40% (wall time, waiting for a core included)',
    );
  });

  it("tells a thread's cores from its wait for one, where the kernel tells them", () => {
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    const loopBusy = { main: 0.97, order: 0.83 };
    const threads = {
      main: { cores: 0.56, waitingCores: 0.37, runs: 1560 },
      order: { cores: 0.43, waitingCores: 0.4, runs: 1140 },
      other: { cores: 0.12, waitingCores: 0.1, runs: 300 },
    };
    const sagas = { ...report.orders, total: 1000 };
    const lines = renderBench({ ...report, orders: sagas, process: { ...report.process, loopBusy, threads } }, 1).split('\n');
    const at = lines.findIndex((l) => l.startsWith('threads'));
    expect(lines.slice(at, at + 4)).toEqual([
      'threads      cores on a core: main 0.56 · order 0.43 · other 0.12 (other: GC helpers, I/O, send timer)',
      '             cores waiting for one: main 0.37 · order 0.40 · other 0.10',
      '             runs per saga: main 1.56 · order 1.14 · other 0.30 (times put on a core: its wake-ups, each a context switch)',
      '             event loops busy: main 97% · order 83% (wall time, waiting for a core included)',
    ]);
  });

  it("says how busy the machine's cores were, and when they were saturated", () => {
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    const threads = { main: { cores: 0.5, waitingCores: 0.4, runs: 1 }, order: { cores: 0.6, waitingCores: 0.4, runs: 1 }, other: { cores: 0.24, waitingCores: 0.1, runs: 1 } };
    const usage = { cpuSeconds: 5, cores: 0.52, waitingCores: 1.3, runsPerSaga: 5, maxRssMb: 90, inMsgsPerSaga: 8, outMsgsPerSaga: 12, inBytesPerSaga: 1, outBytesPerSaga: 1 };
    const busy = { ...report, process: { ...report.process, threads, availableCores: 2 }, broker: { ...report.broker, usage } };
    expect(renderBench(busy, 1)).toContain('machine      2 cores, 1.86 busy (saga-sim 1.34 · nats-server 0.52): 93% · SATURATED: these figures measure the machine as much as the saga design');
    const idle = { ...busy, process: { ...busy.process, availableCores: 4 } };
    expect(renderBench(idle, 1)).toMatch(/^machine {6}4 cores, 1.86 busy \(saga-sim 1.34 · nats-server 0.52\): 47%$/m);
    const external = { ...busy, broker: { ...busy.broker, usage: null } };
    expect(renderBench(external, 1)).toContain('machine      2 cores, at least 1.34 busy (saga-sim 1.34 · nats-server not measured): 67%');
    expect(renderBench(report, 1)).not.toContain('machine');
  });

  it('states dropped sends, and the cap that dropped them', () => {
    const capped = renderBench(reportWith({ lateSends: 2, maxLagMs: 11, droppedSends: 40, maxInFlight: 100, pausedMs: 0 }), 1);
    expect(capped).toContain('late sends   2 (max lag 11 ms) · dropped 40 (at 100 in flight)');
    const uncapped = renderBench(reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 }), 1);
    expect(uncapped).toMatch(/· dropped 0$/m);
  });

  it('states the saga mix: a scenario that ran out of stock partway shows its cancellations', () => {
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    report.orders = { ...report.orders, total: 324_500, confirmed: 250_643, cancelled: 73_857, cancelledByReason: { payment_failed: 0, out_of_stock: 73_857, payment_and_stock: 0 } };
    expect(renderBench(report, 1)).toContain('outcomes     250643 confirmed · 73857 cancelled (0 payment failed · 73857 out of stock · 0 both) · 0 failed');
  });

  it('states whether latency stayed level through the load, or climbed with a queue', () => {
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    expect(renderBench(report, 1)).not.toContain('trend');
    report.latency.trend = { firstHalfP50Ms: 3.104, lastHalfP50Ms: 2.9, growing: false };
    expect(renderBench(report, 1)).toContain('trend        p50 3.1 ms → 2.9 ms (first → last half of the load): level');
    report.latency.trend = { firstHalfP50Ms: 2112.8, lastHalfP50Ms: 619.1, growing: false };
    expect(renderBench(report, 1)).toContain('p50 2112.8 ms → 619.1 ms (first → last half of the load): falling, an early queue drained');
    report.latency.trend = { firstHalfP50Ms: 310, lastHalfP50Ms: 910, growing: true };
    expect(renderBench(report, 1)).toContain('p50 310 ms → 910 ms (first → last half of the load): CLIMBING, a queue built up; the offered rate was not sustained');
  });

  it('keeps latency columns apart when values reach tens of seconds', () => {
    const report = reportWith({ lateSends: 0, maxLagMs: 0, droppedSends: 0, maxInFlight: null, pausedMs: 0 });
    report.latency.ms = ladder(12_345.678);
    report.latency.uncorrectedMs = ladder(1.5);
    const lines = renderBench(report, 1).split('\n');
    const corrected = lines.find((l) => l.startsWith('corrected'))?.trim().split(/\s+/);
    expect(corrected).toEqual(['corrected', ...Array(6).fill('12345.678')]);
    const header = lines.find((l) => l.startsWith('latency ms')) ?? '';
    // Each header ends where its column's values end.
    expect(header.indexOf('p50') + 3).toBe(lines.find((l) => l.startsWith('corrected'))!.indexOf('12345.678') + 9);
  });
});
