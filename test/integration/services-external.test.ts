import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import type { Report } from '../../src/report/report.js';
import { DESIGN_NAMES } from '../../src/broker/names.js';
import { controlSubjects, decode, type Pong } from '../../src/services/remote/control.js';
import { startCli } from '../helpers/cli.js';
import { startNats, waitFor } from '../helpers/nats.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-services-'));
const SCENARIO = 'scenarios/mixed-90.yaml';

// Each service as a process of its own (saga-sim service), and a run that drives them (--services external).
describe('standalone services', () => {
  let server: EmbeddedServer | undefined;
  const started: ReturnType<typeof startCli>[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await server?.stop();
  });

  const service = async (name: string, ...flags: string[]) => {
    const s = startCli(['service', name, SCENARIO, '--nats-url', (server as EmbeddedServer).url, ...flags]);
    started.push(s);
    await waitFor(`the ${name} service to be ready`, () => / ready on /.test(s.stderr()), 30_000);
    return s;
  };
  const pongs = async (name: 'payment') => {
    const nc = await connect({ servers: (server as EmbeddedServer).url });
    const out: Pong[] = [];
    for await (const m of await nc.requestMany(controlSubjects(DESIGN_NAMES, name).ping, undefined, { strategy: 'timer', maxWait: 500 })) out.push(decode(m.data) as Pong);
    await nc.close();
    return out;
  };
  const report = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

  it('a run with --services external against three saga-sim service processes passes its invariants', async () => {
    server = await startNats();
    for (const name of ['order', 'payment', 'inventory']) await service(name);
    const file = join(work, 'external.json');
    const run = startCli(['run', SCENARIO, '--services', 'external', '--nats-url', server.url, '--orders', '600', '--rate', '300', '--report', file]);
    const r = await run.done;
    expect(r.stderr).not.toMatch(/saga-sim: /);
    expect(r.code).toBe(0);
    const rep = report(file);
    expect(rep.orders).toMatchObject({ total: 600, pending: 0 });
    expect(rep.invariants.filter((i) => !i.passed)).toEqual([]);
    expect(rep.services.payment.handled).toBeGreaterThanOrEqual(600);
  }, 120_000);

  it('two payment processes share the work, and kill -9 of one mid-run loses no saga', async () => {
    server = await startNats();
    await service('order');
    await service('inventory');
    const first = await service('payment');
    await service('payment');
    const file = join(work, 'kill.json');
    const run = startCli(['run', SCENARIO, '--services', 'external', '--nats-url', server.url, '--orders', '3000', '--rate', '300', '--report', file]);
    let shares: number[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(shares.length === 2 && shares.every((n) => n > 50))) shares = (await pongs('payment')).map((p) => p.stats.handled);
    expect(shares).toHaveLength(2);
    expect(shares.every((n) => n > 50)).toBe(true);
    first.child.kill('SIGKILL');
    const r = await run.done;
    expect(r.code, `${r.stdout}\n${r.stderr.slice(-3000)}`).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: payment service instance ${first.child.pid}-\\w+ \\(pid ${first.child.pid} on \\S+\\) stopped answering; 1 left`));
    const rep = report(file);
    expect(rep.orders).toMatchObject({ total: 3000, pending: 0 });
    expect(rep.invariants.filter((i) => !i.passed)).toEqual([]);
    expect((await pongs('payment')).length).toBe(1);
  }, 180_000);

  it('logs every event a service receives and emits at debug, as JSON lines with --log-format json', async () => {
    server = await startNats();
    await service('order');
    await service('inventory');
    const payment = await service('payment', '--log-level', 'debug', '--log-format', 'json');
    const r = await startCli(['run', SCENARIO, '--services', 'external', '--nats-url', server.url, '--orders', '20', '--rate', '100']).done;
    expect(r.code).toBe(0);
    const entries = () =>
      payment
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { service: string; msg: string; orderId?: string });
    await waitFor('a log entry per payment decision', () => entries().filter((e) => /^emitted payment\.(confirmed|failed)\.v1$/.test(e.msg)).length >= 20, 10_000);
    expect(entries().filter((e) => e.msg === 'received order.created.v1')).toHaveLength(20);
    expect(entries().every((e) => e.service === 'payment')).toBe(true);
    expect(entries().find((e) => e.msg === 'received order.created.v1')?.orderId).toMatch(/^ord-/);
  }, 120_000);
});
