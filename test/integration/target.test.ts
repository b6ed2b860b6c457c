import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import type { Report } from '../../src/report/report.js';
import { cli, root, startCli } from '../helpers/cli.js';
import { startNats, waitFor } from '../helpers/nats.js';

const FIXTURE = join(root, 'test/fixtures/reference-saga');
const SCENARIO = join(FIXTURE, 'scenario.yaml');

interface Logged {
  id: string;
  outcome: 'COMPLETED' | 'REJECTED';
  ms: number;
}

/** One of the reference system's processes, with what it printed so far. */
function startPart(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [join(FIXTURE, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  return { child, out: () => out };
}

const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;

// saga-sim --target against a saga system it did not start: a small reference system of the test's
// own (plain Node, its own subjects and payloads), correct and with a bug; and saga-sim up.
describe('run --target', () => {
  let nats: EmbeddedServer;
  let dir: string;
  let order: ReturnType<typeof startPart>;
  let handlers: ReturnType<typeof startPart> | undefined;
  let url = '';
  const logFile = () => join(dir, 'orders.log');
  const startHandlers = async (env: NodeJS.ProcessEnv = {}) => {
    if (handlers) await stop(handlers.child);
    handlers = startPart('handlers.mjs', { NATS_URL: nats.url, SHORT: 'sku-1:150', SUCCESS_RATE: '0.8', ...env });
    const started = handlers;
    await waitFor('the handlers', () => started.out().includes('handlers ready'), 20_000);
  };

  beforeAll(async () => {
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), 'saga-sim-target-'));
    order = startPart('order-service.mjs', { NATS_URL: nats.url, LOG_FILE: logFile(), PORT: '0' });
    await waitFor('the order service', () => /listening \d+/.test(order.out()), 20_000);
    url = `http://127.0.0.1:${/listening (\d+)/.exec(order.out())?.[1]}`;
    await startHandlers();
  });

  afterAll(async () => {
    if (handlers) await stop(handlers.child);
    if (order) await stop(order.child);
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes against the reference system, with counts and latency that agree with what the system logged', async () => {
    rmSync(logFile(), { force: true });
    const reportFile = join(dir, 'report.json');
    const r = await cli(['run', SCENARIO, '--target', url, '--nats-url', nats.url, '--report', reportFile, '-q']);
    expect(r.stdout).toContain('result       PASSED');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    const logged = readFileSync(logFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Logged);
    expect(report.orders.total).toBe(400);
    expect(logged).toHaveLength(400);
    expect(report.orders.confirmed).toBe(logged.filter((l) => l.outcome === 'COMPLETED').length);
    expect(report.orders.cancelled).toBe(logged.filter((l) => l.outcome === 'REJECTED').length);
    // The short product makes stock failures, so both compensations happen.
    expect(report.compensations.inventoryReleased).toBeGreaterThan(0);
    expect(report.compensations.paymentRefunded).toBeGreaterThan(0);
    expect(report.target?.entry).toMatchObject({ requests: 400, accepted: 400 });
    expect(report.target?.check).toEqual({ checked: 200, mismatched: 0 });
    // Each saga's time as saga-sim saw it (from its intended send to the outcome on NATS) holds the
    // time the system logged (from the POST's arrival to its publish), so each quantile does too.
    const ms = logged.map((l) => l.ms).sort((a, b) => a - b);
    expect(report.latency.ms.p50).toBeGreaterThanOrEqual(quantile(ms, 0.5) * 0.99);
    expect(report.latency.ms.max).toBeGreaterThanOrEqual((ms.at(-1) as number) * 0.99);
  }, 90_000);

  it('fails a system that forgets to release stock after a failed payment, naming the invariant and the orders', async () => {
    rmSync(logFile(), { force: true });
    await startHandlers({ BUG: 'no-release' });
    try {
      const r = await cli(['run', SCENARIO, '--target', url, '--nats-url', nats.url, '-q']);
      expect(r.code).toBe(1);
      const line = r.stdout.split('\n').find((l) => l.includes('FAIL  every failure is compensated on NATS')) ?? '';
      const named = [...line.matchAll(/([0-9a-f-]{36}): reserved, payment failed, never released/g)].map((m) => m[1]);
      expect(named.length).toBeGreaterThan(0);
      const rejected = new Set(readFileSync(logFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Logged).filter((l) => l.outcome === 'REJECTED').map((l) => l.id));
      for (const id of named) expect(rejected.has(id as string)).toBe(true);
      expect(r.stdout).toMatch(/^ {2}pass {2}every placed order has one order\.created\.v1 and exactly one terminal event on NATS$/m);
    } finally {
      await startHandlers();
    }
  }, 90_000);

  it('fails sagas that end later than the saga timeout, naming them', async () => {
    await startHandlers({ PAY_DELAY_MS: '600' });
    try {
      const slow = join(dir, 'slow.yaml');
      writeFileSync(slow, `${readFileSync(SCENARIO, 'utf8').replace('count: 400', 'count: 20')}saga: { timeout: 300ms }\n`);
      const r = await cli(['run', slow, '--target', url, '--nats-url', nats.url, '-q']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL {2}every saga ended within the saga timeout \(0\.3 s\) — 20 of 20 violate it: [0-9a-f-]{36}: ended after \d+ ms/);
    } finally {
      await startHandlers();
    }
  }, 90_000);

  it('bench --find-max gives a curve against the reference system', async () => {
    const r = await cli(['bench', SCENARIO, '--target', url, '--nats-url', nats.url, '--find-max', '--slo', 'p99<250ms', '--rate', '200', '--duration', '2s', '--warmup', '500ms', '-q']);
    expect(r.stderr).not.toMatch(/saga-sim: /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('find-max: reference-saga, SLO latency.p99<250ms');
    expect(r.stdout).toMatch(/\b200\b/);
  }, 240_000);

  it('places orders by NATS request/reply instead of HTTP, and still checks the API', async () => {
    const viaNats = join(dir, 'via-nats.yaml');
    writeFileSync(viaNats, readFileSync(SCENARIO, 'utf8').replace('  order:\n', '  order:\n    via: nats\n    subject: shop.purchase.create\n').replace('count: 400', 'count: 200'));
    const r = await cli(['run', viaNats, '--target', url, '--nats-url', nats.url, '-q']);
    expect(r.stdout).toContain('result       PASSED');
    expect(r.stdout).toMatch(/^target +200 requests on shop\.purchase\.create · 200 accepted · 0 failed/m);
    expect(r.stdout).toContain("pass  the API's final status matches the terminal event");
    expect(r.code).toBe(0);
  }, 90_000);

  it('counts what a bad target answers by kind, and an unreachable one exits 3 with one line', async () => {
    const wrongPath = join(dir, 'wrong-path.yaml');
    writeFileSync(wrongPath, readFileSync(SCENARIO, 'utf8').replace('path: /api/v2/purchases\n', 'path: /api/v2/nowhere\n').replace('count: 400', 'count: 30'));
    const bad = await cli(['run', wrongPath, '--target', url, '--nats-url', nats.url, '-q']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/target +30 POSTs · 0 accepted · 30 failed/);
    expect(bad.stdout).toContain('failed: 30 http_4xx (first: 404');
    expect(bad.stdout).toContain('FAIL  the target accepted every order (an order id in its answer) — 30 of 30 got no order in: 30 http_4xx');
    const gone = await cli(['run', SCENARIO, '--target', 'http://127.0.0.1:1', '--nats-url', nats.url, '-q']);
    expect(gone.code).toBe(3);
    expect(gone.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^saga-sim: cannot reach the target at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\); is it running\?$/)]);
  }, 90_000);

  it('passes against saga-sim up: the two halves of the tool check each other', async () => {
    const up = startCli(['up', 'scenarios/mixed-90.yaml', '--port', '0', '--metrics-port', '0']);
    try {
      await waitFor('saga-sim up', () => /Ctrl-C stops everything/.test(up.stdout()), 30_000);
      const api = /orders API\s+(http:\/\/\S+)\/orders/.exec(up.stdout())?.[1] as string;
      const natsUrl = /NATS\s+(nats:\/\/\S+)/.exec(up.stdout())?.[1] as string;
      const r = await cli(['run', 'scenarios/mixed-90.yaml', '--target', api, '--nats-url', natsUrl, '--orders', '300', '-q']);
      expect(r.stdout).toContain('result       PASSED');
      expect(r.stdout).toMatch(/^orders +300 total/m);
      expect(r.code).toBe(0);
    } finally {
      up.child.kill('SIGINT');
      await up.done;
    }
  }, 90_000);
});
