import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/broker/embedded-cluster.js';
import { createHistogram, decodeHistogram, summarize } from '../../src/metrics/histogram.js';
import type { Report } from '../../src/report/report.js';
import { startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/nats.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-distributed-'));
const SCENARIO = 'scenarios/mixed-90.yaml';
const report = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

// One run from several processes on a three-node loopback cluster: services scaled across processes,
// load from two generators, one coordinator that merges their parts.
describe('distributed run (--role generator | coordinator)', () => {
  let cluster: EmbeddedCluster | undefined;
  const started: ReturnType<typeof startCli>[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await cluster?.stop();
  });

  const spawn = (args: string[]) => {
    const s = startCli(args);
    started.push(s);
    return s;
  };
  const service = async (name: string, ...flags: string[]) => {
    const s = spawn(['service', name, SCENARIO, '--nats-url', (cluster as EmbeddedCluster).url, '--replicas', '3', ...flags]);
    await waitFor(`the ${name} service to be ready`, () => / ready on /.test(s.stderr()), 60_000);
    return s;
  };
  const run = (role: string, runId: string, file: string, ...more: string[]) =>
    spawn(['run', SCENARIO, '--role', role, '--run-id', runId, '--nats-url', (cluster as EmbeddedCluster).url, '--orders', '800', '--rate', '200', '--report', file, ...more]);

  it('2 generators, 2 payment and 2 inventory processes and 1 order process on R3 streams: one report, and its counts are the sum of the parts', async () => {
    cluster = await startEmbeddedCluster(3);
    await service('order');
    await service('inventory', '--stock-share', '1/2');
    await service('inventory', '--stock-share', '2/2');
    await service('payment');
    await service('payment');
    const coordinator = run('coordinator', 'r1', join(work, 'whole.json'), '--generators', '2');
    const parts = [run('generator', 'r1', join(work, 'part-a.json')), run('generator', 'r1', join(work, 'part-b.json'))];
    const [c, ...g] = await Promise.all([coordinator.done, ...parts.map((p) => p.done)]);
    expect(c?.code, `${c?.stdout}\n${c?.stderr.slice(-3000)}`).toBe(0);
    for (const r of g) expect(r?.code, r?.stderr.slice(-2000)).toBe(0);

    const whole = report(join(work, 'whole.json'));
    const pieces = ['part-a.json', 'part-b.json'].map((f) => report(join(work, f)));
    expect(whole.orders.total).toBe(800);
    for (const key of ['total', 'confirmed', 'cancelled', 'failed', 'pending'] as const) expect(whole.orders[key]).toBe(pieces[0]!.orders[key] + pieces[1]!.orders[key]);
    expect(whole.events.byType['order.created.v1']).toBe(800);
    expect(whole.invariants.filter((i) => !i.passed)).toEqual([]);
    expect(whole.invariants.map((i) => i.name)).toContain('stock is conserved per product (initial = available + reserved by CONFIRMED orders)');
    expect(whole.broker.replicas).toBe(3);
    expect(whole.incomplete).toBe(false);

    // Latency: the sum of the parts' histograms, each measured where its orders were placed.
    const summed = createHistogram();
    for (const p of pieces) summed.add(decodeHistogram(p.latency.hdr.corrected));
    expect(whole.latency.ms).toEqual(summarize(summed));

    // Each generator's share, and the work of each service instance.
    expect(whole.generators?.map((x) => x.sent).sort()).toEqual([400, 400]);
    expect(whole.generators?.every((x) => x.reported && x.passed && x.share > 0.4)).toBe(true);
    expect(pieces.map((p) => p.part?.index).sort()).toEqual([0, 1]);
    for (const name of ['payment', 'inventory'] as const) {
      const instances = whole.instances?.filter((x) => x.service === name) ?? [];
      expect(instances, name).toHaveLength(2);
      expect(instances.every((x) => x.handled > 0)).toBe(true);
      expect(instances.reduce((n, x) => n + x.handled, 0)).toBe(whole.services[name].handled);
    }
    expect(c?.stdout).toMatch(/^generators {3}1: \w+ \(pid \d+ on \S+\) · 400 sagas/m);
    expect(c?.stdout).toMatch(/^instances {4}/m);
  }, 240_000);

  it('names a generator that vanishes mid-run, and the run is incomplete, never silently short (exit 1)', async () => {
    cluster = await startEmbeddedCluster(3);
    for (const name of ['order', 'inventory', 'payment']) await service(name);
    const coordinator = run('coordinator', 'r2', join(work, 'vanished.json'), '--generators', '2', '--orders', '2000');
    const doomed = run('generator', 'r2', join(work, 'doomed.json'), '--orders', '2000');
    const survivor = run('generator', 'r2', join(work, 'survivor.json'), '--orders', '2000');
    await waitFor('the generators to start their parts', () => [doomed, survivor].every((p) => /part \d of 2/.test(p.stderr())), 60_000);
    await waitFor('the doomed generator to place orders', () => /sent [1-9]\d*\//.test(doomed.stderr()), 30_000);
    doomed.child.kill('SIGKILL');
    const [c, s] = await Promise.all([coordinator.done, survivor.done]);
    expect(s?.code, s?.stderr.slice(-2000)).toBe(0);
    expect(c?.code, `${c?.stdout}\n${c?.stderr.slice(-3000)}`).toBe(1);
    expect(c?.stderr).toMatch(new RegExp(`warning: generator \\d \\(\\w+, pid ${doomed.child.pid} on \\S+\\) vanished after \\d+ orders`));
    const whole = report(join(work, 'vanished.json'));
    expect(whole.incomplete).toBe(true);
    expect(whole.passed).toBe(false);
    const gone = whole.generators?.find((x) => x.pid === doomed.child.pid);
    expect(gone).toMatchObject({ reported: false });
    expect(whole.invariants.find((i) => i.name === 'every generator that started handed its part in')).toMatchObject({ passed: false });
    expect(c?.stdout).toMatch(/VANISHED after \d+ orders/);
  }, 240_000);

  it('Ctrl-C on the coordinator stops every generator\'s load; their sagas drain into one report marked interrupted (exit 130); a generator too many is sent away', async () => {
    cluster = await startEmbeddedCluster(3);
    for (const name of ['order', 'inventory', 'payment']) await service(name);
    const coordinator = run('coordinator', 'r3', join(work, 'stopped.json'), '--generators', '2', '--orders', '20000', '--no-tui');
    const parts = [run('generator', 'r3', join(work, 'stopped-a.json'), '--orders', '20000'), run('generator', 'r3', join(work, 'stopped-b.json'), '--orders', '20000')];
    await waitFor('the generators to place orders', () => parts.every((p) => /sent [1-9]\d*\//.test(p.stderr())), 60_000);
    // One generator too many is sent away at once, not left waiting.
    const late = await run('generator', 'r3', join(work, 'late.json')).done;
    expect(late.code).toBe(3);
    expect(late.stderr).toMatch(/gave up: run r3 has its 2 generators already/);
    coordinator.child.kill('SIGINT');
    const [c, ...g] = await Promise.all([coordinator.done, ...parts.map((p) => p.done)]);
    expect(c?.code, `${c?.stdout}\n${c?.stderr.slice(-3000)}`).toBe(130);
    for (const r of g) expect(r?.code, r?.stderr.slice(-2000)).toBe(130);
    const whole = report(join(work, 'stopped.json'));
    expect(whole.interrupted).toBe(true);
    expect(whole.orders.total).toBeLessThan(20_000);
    expect(whole.orders.pending).toBe(0);
    expect(whole.generators?.every((x) => x.reported)).toBe(true);
    expect(whole.invariants.filter((i) => !i.passed)).toEqual([]);
    expect(c?.stderr).toMatch(/warning: generator \w+ \(pid \d+ on \S+\) joined run r3 after its 2 generators started; it was sent away/);
  }, 240_000);

  it('bench on the cluster: sagas/s per generator and combined', async () => {
    cluster = await startEmbeddedCluster(3);
    for (const name of ['order', 'inventory', 'payment']) await service(name);
    const bench = (role: string, ...more: string[]) =>
      spawn(['bench', 'scenarios/happy-path.yaml', '--rate', '200', '--duration', '3s', '--warmup', '1s', '--role', role, '--run-id', 'b1', '--nats-url', (cluster as EmbeddedCluster).url, '--no-tui', ...more]);
    const coordinator = bench('coordinator', '--generators', '2', '--json', join(work, 'bench.json'));
    const [c, ...g] = await Promise.all([coordinator.done, bench('generator').done, bench('generator').done]);
    expect(c?.code, `${c?.stdout}\n${c?.stderr.slice(-3000)}`).toBe(0);
    for (const r of g) {
      expect(r?.code, r?.stderr.slice(-2000)).toBe(0);
      expect(r?.stdout).toMatch(/^part {9}generator [12] of 2 of run b1/m);
    }
    const lines = c?.stdout.match(/^(generators {3}| {13})[12]: \w+ \(pid \d+ on \S+\) · ([\d.]+) sagas\/s/gm) ?? [];
    expect(lines).toHaveLength(2);
    const perGenerator = lines.map((l) => Number(/· ([\d.]+) sagas\/s/.exec(l)?.[1]));
    const combined = Number(/^combined {5}([\d.]+) sagas\/s from 2 of 2 generators$/m.exec(c?.stdout ?? '')?.[1]);
    expect(perGenerator.every((x) => x > 0)).toBe(true);
    expect(combined).toBeCloseTo(perGenerator[0]! + perGenerator[1]!, 0);
    const json = JSON.parse(readFileSync(join(work, 'bench.json'), 'utf8')) as { report: Report };
    expect(json.report.generators?.map((x) => x.sagasPerSecond)).toEqual(perGenerator);
  }, 240_000);
});
