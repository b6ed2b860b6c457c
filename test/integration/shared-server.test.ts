import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import type { Report } from '../../src/report/report.js';
import { cli, startCli } from '../helpers/cli.js';
import { startNats, waitFor } from '../helpers/nats.js';

// Several saga-sims and an application on one server that none of them started, as on a shared CI broker.
describe('runs on a shared server (--nats-url)', () => {
  let server: EmbeddedServer;
  let nc: NatsConnection;
  let dir: string;
  const streams = async () => {
    const names: string[] = [];
    for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
    return names.sort();
  };

  beforeAll(async () => {
    server = await startNats();
    nc = await connect({ servers: server.url });
    dir = await mkdtemp(join(tmpdir(), 'saga-sim-shared-'));
    // Someone else's stream and bucket, there before any run.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'APP_ORDERS', subjects: ['app.orders.>'], storage: StorageType.File });
    await nc.request('app.orders.1', new TextEncoder().encode('kept'));
    await (await new Kvm(nc).create('app-config', { history: 1 })).put('mode', 'live');
  });

  afterAll(async () => {
    await nc.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('two concurrent runs on their own subjects both pass with exact counts, and leave the unrelated stream and bucket as they were', async () => {
    const file = join(dir, 'shared.yaml');
    await writeFile(file, 'name: shared\nseed: 5\norders: { count: 600, rate: 300 }\ncatalogue: { products: 6, stock: 400 }\npayment: { successRate: 0.7 }\n');
    // What crosses NATS on each run's subjects, counted by an independent subscriber.
    const crossed = { a: new Map<string, number>(), b: new Map<string, number>() };
    const subs = (['a', 'b'] as const).map((job) =>
      nc.subscribe(`job-${job}.>`, {
        callback: (_e, msg) => {
          if (msg.reply?.startsWith('$JS.ACK')) return;
          const type = msg.subject.slice(`job-${job}.`.length);
          crossed[job].set(type, (crossed[job].get(type) ?? 0) + 1);
        },
      }),
    );
    await nc.flush();
    const runs = await Promise.all(
      (['a', 'b'] as const).map((job) => cli(['run', file, '--nats-url', server.url, '--subject-prefix', `job-${job}`, '--report', join(dir, `${job}.json`), '--no-tui', '-q'])),
    );
    for (const s of subs) s.unsubscribe();
    for (const r of runs) expect(r.stderr + r.stdout).toContain('result       PASSED');
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const reports = await Promise.all(['a', 'b'].map(async (job) => JSON.parse(await readFile(join(dir, `${job}.json`), 'utf8')) as Report));
    expect(reports[0]?.broker.namespace).not.toBe(reports[1]?.broker.namespace);
    for (const [i, job] of (['a', 'b'] as const).entries()) {
      const report = reports[i] as Report;
      expect(report.broker.subjectPrefix).toBe(`job-${job}.`);
      expect(report.orders.total).toBe(600);
      expect(report.orders.confirmed + report.orders.cancelled).toBe(600);
      expect(report.events.foreign).toBe(0);
      // JetStream publishes are requests: each stored event crossed once.
      for (const [type, n] of Object.entries(report.events.byType)) expect([job, type, crossed[job].get(type) ?? 0]).toEqual([job, type, n]);
      expect(crossed[job].get('order.created.v1')).toBe(600);
    }
    expect(await streams()).toEqual(['APP_ORDERS', 'KV_app-config']);
    const app = await (await jetstreamManager(nc)).streams.info('APP_ORDERS');
    expect(app.state.messages).toBe(1);
    expect((await (await new Kvm(nc).open('app-config')).get('mode'))?.string()).toBe('live');
  }, 180_000);

  it('a run on subjects a live run uses is refused naming it; clean lists leftovers and in-use namespaces and removes only the leftovers', async () => {
    const file = join(dir, 'long.yaml');
    await writeFile(file, 'name: long\norders: { count: 1000000, rate: 50 }\n');
    // A kept run leaves its namespace behind on subjects of its own.
    const kept = await cli(['run', 'scenarios/happy-path.yaml', '--nats-url', server.url, '--orders', '20', '--subject-prefix', 'kept', '--namespace', 'left-1', '--keep', '--no-tui', '-q']);
    expect(kept.code).toBe(0);
    const live = startCli(['run', file, '--nats-url', server.url, '--namespace', 'live-1', '--no-tui']);
    try {
      await waitFor('the live run to place orders', () => /sent [1-9]/.test(live.stderr()), 30_000);
      const second = await cli(['run', 'scenarios/happy-path.yaml', '--nats-url', server.url, '--orders', '20', '--delivery', 'core', '--no-tui', '-q']);
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(/the saga subjects order\.created\.v1… on this server belong to a live saga-sim run · namespace live-1 · pid \d+ on .+; give this run its own subjects with --subject-prefix <name>/);

      const listed = await cli(['clean', '--nats-url', server.url]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^left-1 +leftover +5 streams, \d+ messages/m);
      expect(listed.stdout).toMatch(/^live-1 +in use by saga-sim run · namespace live-1 · pid \d+/m);
      expect(listed.stdout).toContain('1 leftover namespace; remove with --yes');
      expect(listed.stdout).not.toContain('APP_ORDERS');
      const cleaned = await cli(['clean', '--nats-url', server.url, '--yes']);
      expect(cleaned.code).toBe(0);
      expect(cleaned.stdout).toMatch(/^left-1 +removed/m);
      expect(cleaned.stdout).toMatch(/^live-1 +in use/m);
      const liveStreams = ['KV_saga-sim-state-live-1-inventory', 'KV_saga-sim-state-live-1-order', 'KV_saga-sim-state-live-1-payment', 'SAGA_SIM_DEADLETTER_live-1', 'SAGA_SIM_EVENTS_live-1'];
      expect(await streams()).toEqual(['APP_ORDERS', 'KV_app-config', ...liveStreams]);
    } finally {
      live.child.kill('SIGINT');
      expect((await live.done).code).toBe(130);
    }
    // The interrupted run tidied its own namespace.
    expect(await streams()).toEqual(['APP_ORDERS', 'KV_app-config']);
  }, 180_000);
});
