import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/engine/run.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { scenario } from '../helpers/nats.js';
import { renderSummary, type Paint } from '../../src/report/summary-text.js';

const id = (t: string) => t;
const plain: Paint = { ok: id, bad: id, dim: id, bold: id };

describe('measurement', () => {
  it('a 1 s stall of the order service shows in corrected p99 and max, while uncorrected p99 hides it (as in wrk2)', async () => {
    const report = await new RunEngine({
      scenario: scenario(
        'name: stall\nseed: 31\norders: { count: 300, rate: 50 }\npayment: { successRate: 1 }\nfaults:\n  - { stall: order, at: 2s, for: 1s }\n',
      ),
    }).run();
    const { ms: corrected, uncorrectedMs: uncorrected } = report.latency;
    expect(report.faults).toMatchObject([{ kind: 'stall', service: 'order', forMs: 1000 }]);
    expect(report.passed).toBe(true);
    // 50 of the 300 orders were due during the stall and waited up to 1 s to get in.
    expect(corrected.max).toBeGreaterThanOrEqual(950);
    expect(corrected.p99).toBeGreaterThanOrEqual(800);
    expect(corrected.p90).toBeGreaterThanOrEqual(300);
    // Timed from when they actually got in, the same orders look fast: the wait before their send
    // is gone. Only the sagas already in flight when the stall began wait it out, a handful, but
    // more on a loaded machine, where every saga also takes longer: hence bounds on the difference.
    expect(corrected.p90 - uncorrected.p90).toBeGreaterThanOrEqual(300);
    expect(uncorrected.p99).toBeLessThan(corrected.p99);
  });

  it('latencies keep microsecond resolution (arrivals are not stamped in whole milliseconds)', async () => {
    const report = await new RunEngine({ scenario: scenario('name: resolution\nseed: 33\norders: { count: 300, rate: 300 }\n') }).run();
    const h = decodeHistogram(report.latency.hdr.uncorrected);
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => h.getValueAtPercentile(p));
    // Stamped with Date.now(), every one of these would sit within a few µs of a whole millisecond.
    expect(values.filter((us) => us % 1000 > 20 && us % 1000 < 980).length).toBeGreaterThanOrEqual(3);
  });

  it('a fixed-rate run of 10 s at R orders/s sends R×10 ± 1%', async () => {
    const rate = 300;
    const report = await new RunEngine({ scenario: scenario(`name: fixed\nseed: 32\norders: { rate: ${rate}, duration: 10s }\n`) }).run();
    expect(report.orders.total).toBeGreaterThanOrEqual(rate * 10 * 0.99);
    expect(report.orders.total).toBeLessThanOrEqual(rate * 10 * 1.01);
    expect(report.orders.pending).toBe(0);
    // The trend is reported; whether it climbs depends on the machine (its rule is unit-tested).
    expect(report.latency.trend).toMatchObject({ growing: expect.any(Boolean) });
  }, 60_000);

  it('a queue building in the last half of the load shows as a climbing latency trend', async () => {
    // The order service stalls for the last 1.5 s of a 4 s load: the orders due then queue up, each
    // waiting longer than the one before, as under a rate the system cannot take. Three quarters of
    // the last half's orders are in the queue, so its median is too.
    const report = await new RunEngine({
      scenario: scenario('name: late-queue\nseed: 34\norders: { count: 200, rate: 50 }\nfaults:\n  - { stall: order, at: 2500ms, for: 1500ms }\n'),
    }).run();
    expect(report.passed).toBe(true);
    const trend = report.latency.trend;
    expect(trend?.growing).toBe(true);
    expect(trend!.lastHalfP50Ms).toBeGreaterThan(100);
    expect(trend!.lastHalfP50Ms).toBeGreaterThan(trend!.firstHalfP50Ms * 5);
    expect(report.latency.ms.p50).toBeLessThan(trend!.lastHalfP50Ms);
  });
});

/** Runs a scenario, noting the most sagas in flight any snapshot (every 20 ms) saw. */
async function runWatchingInFlight(yaml: string) {
  const engine = new RunEngine({ scenario: scenario(yaml), snapshotIntervalMs: 20 });
  let maxInFlight = 0;
  engine.subscribe((e) => {
    if (e.type === 'snapshot') maxInFlight = Math.max(maxInFlight, e.snapshot.inFlight);
  });
  return { report: await engine.run(), maxInFlight };
}

describe('a pause (p)', () => {
  it('is reported, and the summary says it was left out of the throughput', async () => {
    const engine = new RunEngine({ scenario: scenario('name: pause\norders: { count: 600, rate: 300 }\n') });
    let paused = false;
    const resumed = new Promise<void>((resolve) =>
      engine.subscribe((event) => {
        if (event.type !== 'snapshot' || paused || event.snapshot.sent < 100) return;
        paused = true;
        engine.togglePause();
        // The pause itself: one second of the load held.
        setTimeout(() => {
          engine.togglePause();
          resolve();
        }, 1000);
      }),
    );
    const report = await engine.run();
    await resumed;
    expect(report.orders).toMatchObject({ total: 600, pending: 0 });
    expect(report.load.pausedMs).toBeGreaterThanOrEqual(1000);
    expect(renderSummary(report, plain)).toMatch(/\(paused \d+\.\ds, not counted\)/);
  });
});

describe('load models end to end', () => {
  it('closed loop: never more sagas in flight than the concurrency, and every order finishes', async () => {
    const { report, maxInFlight } = await runWatchingInFlight('name: closed\nseed: 34\norders: { count: 300 }\nload: { model: closed, concurrency: 4, thinkTime: 1ms }\n');
    expect(report.orders.total).toBe(300);
    expect(report.passed).toBe(true);
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('orders.maxInFlight: arrivals finding the cap are dropped and counted; what was sent is what crossed NATS', async () => {
    const { report, maxInFlight } = await runWatchingInFlight(
      'name: capped\nseed: 37\norders: { count: 300, rate: 500, maxInFlight: 3 }\npayment: { successRate: 1 }\n' +
        'faults:\n  - latency: { service: payment, distribution: 20ms }\n',
    );
    // Each saga takes 20 ms or more, so 3 in flight finish at most ~150/s of the 500/s offered.
    expect(report.load.maxInFlight).toBe(3);
    expect(report.load.droppedSends).toBeGreaterThan(100);
    expect(report.orders.total + report.load.droppedSends).toBe(300);
    expect(report.events.byType['order.created.v1']).toBe(report.orders.total);
    expect(report.orders.pending).toBe(0);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(report.passed).toBe(true);
  });

  it('ramping and poisson runs place about the orders their rate integrates to', async () => {
    const ramp = await new RunEngine({
      scenario: scenario('name: ramp\nseed: 35\nload: { model: ramping, startRate: 0, stages: [{ duration: 2s, target: 200 }, { duration: 2s, target: 200 }] }\n'),
    }).run();
    expect(ramp.orders.total).toBeGreaterThan(570);
    expect(ramp.orders.total).toBeLessThan(630);
    const poisson = await new RunEngine({ scenario: scenario('name: poisson\nseed: 36\norders: { rate: 300, duration: 3s }\nload: { model: poisson }\n') }).run();
    expect(poisson.orders.total).toBeGreaterThan(800);
    expect(poisson.orders.total).toBeLessThan(1000);
    expect(ramp.passed && poisson.passed).toBe(true);
  });
});
