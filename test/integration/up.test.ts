import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGN_NAMES } from '../../src/broker/names.js';
import { cli, startCli, type Result } from '../helpers/cli.js';
import { waitFor } from '../helpers/nats.js';

/** promtool, from Debian's prometheus package; installed here when missing and installable. */
function findPromtool(): string | undefined {
  const which = () => spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim() || undefined;
  if (which()) return which();
  spawnSync('sh', ['-c', 'apt-get install -y -qq prometheus >/dev/null 2>&1 || sudo -n apt-get install -y -qq prometheus >/dev/null 2>&1'], { timeout: 240_000 });
  return which();
}

const json = { 'Content-Type': 'application/json' };
/** The API's answers, the fields these tests read. */
interface Answer {
  orderId: string;
  status: string;
  timeline: { event: string }[];
  fields: { field: string }[];
  count: number;
}
const answer = async (res: Response) => (await res.json()) as Answer;
const designOrder = { customerId: 'customer-1', items: [{ productId: 'prod-1', quantity: 2, unitPrice: 19.99 }] };

// saga-sim up, driven as the design's README drives its system: curl requests, metrics, NATS monitoring.
describe('saga-sim up', () => {
  let up: ReturnType<typeof startCli>;
  let api = '';
  let metricsUrl = '';
  let monitorUrl = '';
  let nc: NatsConnection;
  const streamCounts = async () => {
    const info = await (await jetstreamManager(nc)).streams.info(DESIGN_NAMES.eventsStream, { subjects_filter: '>' });
    return { total: info.state.messages, bySubject: (info.state.subjects ?? {}) as Record<string, number> };
  };
  const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

  beforeAll(async () => {
    up = startCli(['up', '--port', '0', '--metrics-port', '0']);
    await waitFor('the banner', () => /Ctrl-C stops everything/.test(up.stdout()), 30_000);
    api = /orders API\s+(\S+)\/orders/.exec(up.stdout())?.[1] ?? '';
    metricsUrl = /payment metrics\s+(\S+)\/payments\/metrics/.exec(up.stdout())?.[1] ?? '';
    monitorUrl = /NATS monitoring\s+(\S+)/.exec(up.stdout())?.[1] ?? '';
    nc = await connect({ servers: /NATS\s+(nats:\/\/\S+)/.exec(up.stdout())?.[1] ?? '' });
  }, 40_000);
  afterAll(async () => {
    await nc?.close();
    if (up.child.exitCode === null) up.child.kill('SIGKILL');
  });

  it('answers the design\'s single order and 10-order loop: PENDING, then CONFIRMED or CANCELLED; counters agree with the stream', async () => {
    const placed: string[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${api}/orders`, { method: 'POST', headers: json, body: JSON.stringify(designOrder) });
      expect(res.status).toBe(201);
      const body = await answer(res);
      expect(body).toMatchObject({ status: 'PENDING', customerId: 'customer-1', items: designOrder.items, totalAmount: 39.98 });
      placed.push(body.orderId);
    }
    const final = new Map<string, string>();
    for (const id of placed) {
      let status = 'PENDING';
      const deadline = Date.now() + 20_000;
      while (status === 'PENDING' && Date.now() < deadline) {
        const res = await fetch(`${api}/orders/${id}`);
        expect(res.status).toBe(200);
        const order = await answer(res);
        status = order.status;
        if (status !== 'PENDING') expect(order.timeline.map((t) => t.event)).toContain('order.created.v1');
      }
      final.set(id, status);
    }
    expect([...final.values()].every((s) => s === 'CONFIRMED' || s === 'CANCELLED')).toBe(true);

    const text = await (await fetch(`${api}/orders/metrics`)).text();
    const payments = await (await fetch(`${metricsUrl}/payments/metrics`)).text();
    const inventory = await (await fetch(`${metricsUrl}/inventory/metrics`)).text();
    const { bySubject } = await streamCounts();
    expect(metric(text, 'orders_created_total')).toBe(11);
    expect(metric(text, 'orders_created_total')).toBe(bySubject['order.created.v1']);
    expect(metric(text, 'orders_confirmed_total')).toBe(bySubject['order.confirmed.v1'] ?? 0);
    expect(metric(text, 'orders_cancelled_total')).toBe(bySubject['order.cancelled.v1'] ?? 0);
    expect(metric(text, 'orders_confirmed_total')).toBe([...final.values()].filter((s) => s === 'CONFIRMED').length);
    expect(metric(payments, 'payments_processed_total')).toBe(11);
    expect(metric(payments, 'payments_success_total')).toBe(bySubject['payment.confirmed.v1'] ?? 0);
    expect(metric(payments, 'payments_failed_total')).toBe(bySubject['payment.failed.v1'] ?? 0);
    expect(metric(inventory, 'inventory_reservations_total')).toBe(bySubject['inventory.reserved.v1'] ?? 0);
    expect((await fetch(`${monitorUrl}/varz`)).status).toBe(200);
    expect((await fetch(`${api}/readyz`)).status).toBe(200);
    const list = await answer(await fetch(`${api}/orders?status=confirmed&limit=100`));
    expect(list.count).toBe(metric(text, 'orders_confirmed_total'));
  }, 60_000);

  it('refuses bad bodies with field-level errors, and stores and publishes nothing', async () => {
    const before = await streamCounts();
    const listed = (await answer(await fetch(`${api}/orders?limit=1000`))).count;
    const post = (body: string, headers: Record<string, string> = json) => fetch(`${api}/orders`, { method: 'POST', headers, body });
    const cases: [string, Response, number, string?][] = [
      ['invalid JSON', await post('{"customerId":'), 400],
      ['a negative quantity', await post(JSON.stringify({ ...designOrder, items: [{ productId: 'prod-1', quantity: -1, unitPrice: 1 }] })), 400, 'items[0].quantity'],
      ['a fractional quantity', await post(JSON.stringify({ ...designOrder, items: [{ productId: 'prod-1', quantity: 1.5, unitPrice: 1 }] })), 400, 'items[0].quantity'],
      ['a price that is not a number', await post(JSON.stringify({ ...designOrder, items: [{ productId: 'prod-1', quantity: 1, unitPrice: '19.99' }] })), 400, 'items[0].unitPrice'],
      ['no customer', await post(JSON.stringify({ items: designOrder.items })), 400, 'customerId'],
      ['zero items', await post(JSON.stringify({ ...designOrder, items: [] })), 400, 'items'],
      ['101 items', await post(JSON.stringify({ ...designOrder, items: Array.from({ length: 101 }, () => designOrder.items[0]) })), 400, 'items'],
      ['a body over 64 KiB', await post(JSON.stringify({ ...designOrder, pad: 'x'.repeat(70_000) })), 413],
      ['a form body', await post('customerId=1', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415],
    ];
    for (const [what, res, status, field] of cases) {
      expect(res.status, what).toBe(status);
      const body = await answer(res);
      expect(body, what).toMatchObject({ statusCode: status, message: expect.any(String) });
      if (field) expect(body.fields.map((f) => f.field), what).toContain(field);
    }
    // Something valid afterwards still crosses NATS, so an empty stream diff is not a dead broker.
    // The 201 comes once order.created is stored in the stream.
    const ok = await post(JSON.stringify(designOrder));
    expect(ok.status).toBe(201);
    const after = await streamCounts();
    expect(after.bySubject['order.created.v1']).toBe((before.bySubject['order.created.v1'] ?? 0) + 1);
    expect((await answer(await fetch(`${api}/orders?limit=1000`))).count).toBe(listed + 1);
  }, 30_000);

  it('passes promtool check metrics on every metrics URL', async (ctx) => {
    const promtool = findPromtool();
    if (!promtool) {
      // .ci/run installs it: in CI a missing promtool is a failure, not a skip.
      if (process.env.CI) throw new Error('promtool is not installed; CI must run this check (.ci/run installs Debian\'s prometheus)');
      process.stderr.write('\nSKIPPED LOUDLY: promtool is not installed and could not be installed (apt-get install prometheus)\n\n');
      ctx.skip();
    }
    for (const url of [`${api}/orders/metrics`, `${api}/metrics`, `${metricsUrl}/payments/metrics`, `${metricsUrl}/inventory/metrics`]) {
      const text = await (await fetch(url)).text();
      const r = spawnSync(promtool as string, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${url}: ${r.stdout}${r.stderr}`.trim()).toBe(`${url}:`);
      expect(r.status, url).toBe(0);
    }
  }, 300_000);

  it('Ctrl-C stops the services and the server, says what it removed, and exits 0', async () => {
    const store = /deleted its store (\S+)/.exec(up.stderr())?.[1];
    expect(store).toBeUndefined();
    up.child.kill('SIGINT');
    const r: Result = await up.done;
    expect(r.code).toBe(0);
    const dir = /deleted its store (\S+)/.exec(r.stderr)?.[1] as string;
    expect(r.stderr).toMatch(/stopped nats-server [\d.]+ at nats:\/\//);
    expect(existsSync(dir)).toBe(false);
    await expect(fetch(`${monitorUrl}/varz`)).rejects.toThrow();
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  }, 30_000);
});

describe('saga-sim up --env-file', () => {
  it('reads PAYMENT_SUCCESS_RATE from the file as from the environment, and a missing file exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saga-sim-env-'));
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'PAYMENT_SUCCESS_RATE=0.25\nUSE_SIMULATED_PAYMENT=true\n');
    const up = startCli(['up', '--env-file', envFile, '--port', '0', '--metrics-port', '0']);
    await waitFor('the banner', () => /Ctrl-C stops everything/.test(up.stdout()), 30_000);
    expect(up.stdout()).toContain('payment success rate 0.25');
    up.child.kill('SIGINT');
    expect((await up.done).code).toBe(0);
    const missing = await cli(['up', '--env-file', join(dir, 'nope.env')]);
    // Node 20 reads --env-file itself wherever it stands on the command line, before saga-sim runs.
    if (Number(process.versions.node.split('.')[0]) < 22) {
      expect(missing.code).toBe(9);
      expect(missing.stderr.trim()).toMatch(/node: \S+nope\.env: not found$/);
    } else {
      expect(missing.code).toBe(2);
      expect(missing.stderr.trim()).toBe(`saga-sim: --env-file ${join(dir, 'nope.env')}: no such file`);
    }
  }, 60_000);
});
