import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newRunId, RunNames } from '../../src/broker/names.js';
import { RunEngine } from '../../src/engine/run.js';
import type { Report } from '../../src/report/report.js';
import { schemaName } from '../../src/services/state/postgres/settings.js';
import { cli } from '../helpers/cli.js';
import { expectInvariantsPass, scenario } from '../helpers/nats.js';
import { postgresAnswers, sql, TEST_DATABASE_URL } from '../helpers/postgres.js';

const withPostgres = await postgresAnswers('the PostgreSQL state tests');
const dir = await mkdtemp(join(tmpdir(), 'saga-sim-pg-'));
const leftovers: string[] = [];
afterAll(async () => {
  for (const schema of leftovers) await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await rm(dir, { recursive: true, force: true });
});

const schemasOf = async (namespace: string) =>
  (await sql<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY 1", [`saga_sim_${namespace}_%`])).map((r) => r.nspname);

describe.runIf(withPostgres)('state: postgres', () => {
  it('runs mixed-90 with its invariants passed, and with --keep leaves real rows to query: orders, the ledger, the stock view, the outbox all sent', async () => {
    const ns = newRunId();
    const report = join(dir, 'keep.json');
    const r = await cli(['run', 'scenarios/mixed-90.yaml', '--state', 'postgres', '--database-url', TEST_DATABASE_URL, '--keep', '--namespace', ns, '--orders', '600', '--quiet', '--report', report]);
    const names = new RunNames({ id: ns, subjectPrefix: '' });
    leftovers.push(...['order', 'payment', 'inventory'].map((s) => schemaName(names, s)));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(await readFile(report, 'utf8')) as Report;
    expect(json.state).toBe('postgres');
    expect(json.database).toMatchObject({ outbox: true, kept: true, schemas: [`saga_sim_${ns}_order`, `saga_sim_${ns}_payment`, `saga_sim_${ns}_inventory`] });
    expect(r.stdout).toContain(`saga_sim_${ns}_order`);

    const statuses = await sql<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM saga_sim_${ns}_order.orders GROUP BY 1 ORDER BY 1`);
    expect(statuses).toEqual([
      { status: 'CANCELLED', n: json.orders.cancelled },
      { status: 'CONFIRMED', n: json.orders.confirmed },
    ]);
    const charges = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM saga_sim_${ns}_payment.ledger WHERE kind = 'charge'`);
    expect(charges[0]?.n).toBe(json.orders.confirmed);
    const stock = await sql<{ bad: number; reserved: number }>(`SELECT count(*) FILTER (WHERE initial <> available + reserved)::int AS bad, sum(reserved)::int AS reserved FROM saga_sim_${ns}_inventory.stock`);
    const held = await sql<{ q: number }>(
      `SELECT coalesce(sum((i->>'quantity')::int), 0)::int AS q FROM saga_sim_${ns}_inventory.reservations r, json_array_elements(r.items) i WHERE r.reservation = 'reserved' AND NOT r.released`,
    );
    expect(stock[0]).toEqual({ bad: 0, reserved: held[0]?.q });
    for (const service of ['order', 'payment', 'inventory']) {
      const outbox = await sql<{ total: number; unsent: number }>(`SELECT count(*)::int AS total, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent FROM saga_sim_${ns}_${service}.outbox`);
      expect(outbox[0]?.unsent, service).toBe(0);
      expect(outbox[0]?.total, service).toBeGreaterThan(0);
    }
    // Every event the outbox holds crossed NATS, and nothing else did.
    const outboxed = await sql<{ n: number }>(
      `SELECT (SELECT count(*) FROM saga_sim_${ns}_order.outbox) + (SELECT count(*) FROM saga_sim_${ns}_payment.outbox) + (SELECT count(*) FROM saga_sim_${ns}_inventory.outbox) AS n`,
    );
    expect(Number(outboxed[0]?.n)).toBe(Object.values(json.events.byType).reduce((a, b) => a + b, 0));
  });

  it('drops its schemas at the end without --keep, and keeps a database per service with {service} in the URL', async () => {
    const id = newRunId();
    const databases = ['order', 'payment', 'inventory'].map((s) => `saga_sim_test_${id}_${s}`);
    for (const db of databases) await sql(`CREATE DATABASE ${db}`);
    try {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/saga_sim_test_${id}_{service}`;
      const ns = newRunId();
      const r = await cli(['run', 'scenarios/happy-path.yaml', '--state', 'postgres', '--database-url', decodeURI(url.toString()), '--namespace', ns, '--orders', '200', '--quiet']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      for (const db of databases) {
        const dbUrl = new URL(TEST_DATABASE_URL);
        dbUrl.pathname = `/${db}`;
        const pg = await import('pg');
        const client = new pg.default.Client({ connectionString: dbUrl.toString() });
        await client.connect();
        const left = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'saga_sim_%'");
        await client.end();
        expect(left.rows, db).toEqual([]);
      }
    } finally {
      for (const db of databases) await sql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  });

  it('dual-write.yaml, outbox on: each crash after a commit loses nothing, the restarted relay publishes it; every saga ends', async () => {
    const ns = newRunId();
    const report = join(dir, 'on.json');
    const r = await cli(['run', 'scenarios/dual-write.yaml', '--database-url', TEST_DATABASE_URL, '--namespace', ns, '--quiet', '--report', report]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(await readFile(report, 'utf8')) as Report;
    expect(json.faults.map((f) => `${f.kind} ${'service' in f ? f.service : ''}`)).toEqual(['crash-after-commit order', 'crash-after-commit payment']);
    expect(json.faults.every((f) => 'downMs' in f && f.downMs > 0)).toBe(true);
    expectInvariantsPass(json);
    expect(await schemasOf(ns)).toEqual([]);
  });

  it('dual-write.yaml, --outbox off: the events lost between commit and publish leave sagas stuck, named, and exit 1', async () => {
    const ns = newRunId();
    const report = join(dir, 'off.json');
    const r = await cli(['run', 'scenarios/dual-write.yaml', '--database-url', TEST_DATABASE_URL, '--namespace', ns, '--outbox', 'off', '--quiet', '--report', report]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const json = JSON.parse(await readFile(report, 'utf8')) as Report;
    expect(json.database?.outbox).toBe(false);
    expect(json.orders.pending).toBeGreaterThan(0);
    const pending = json.invariants.find((i) => i.name === 'no order left PENDING');
    expect(pending?.passed).toBe(false);
    expect(pending?.details).toMatch(/ord-\d{6} (PENDING|never created)/);
    expect(r.stdout).toMatch(/FAIL {2}no order left PENDING — \d+ of 2000 violate it: ord-\d{6}/);
  });

  it('loses no saga when PostgreSQL ends every connection of the run mid-run (pg_terminate_backend): the services reconnect and carry on', async () => {
    const engine = new RunEngine({
      scenario: scenario('name: pg-terminate\nseed: 4\nstate: postgres\norders: { count: 3000, rate: 500 }\npayment: { successRate: 0.9 }\ndrainTimeout: 60s\n'),
      databaseUrl: TEST_DATABASE_URL,
    });
    let namespace = '';
    let terminated: Promise<number> | undefined;
    engine.subscribe((e) => {
      if (e.type === 'broker') namespace = e.broker.namespace;
      if (e.type === 'snapshot' && e.snapshot.confirmed >= 1000 && !terminated) {
        terminated = sql<{ n: number }>("SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE $1", [`saga-sim saga_sim_${namespace}_%`]).then((rows) => rows[0]?.n ?? 0);
      }
    });
    const report = await engine.run();
    expect(await terminated).toBeGreaterThanOrEqual(3);
    expect(report.orders.confirmed + report.orders.cancelled).toBe(3000);
    expect(report.orders.failed).toBe(0);
    expectInvariantsPass(report);
  });

  it('says in one line, exit 3, that PostgreSQL cannot be reached or has no such database, never printing the password', async () => {
    const unreachable = await cli(['run', 'scenarios/happy-path.yaml', '--state', 'postgres', '--database-url', 'postgresql://postgres:s3cret-pw@127.0.0.1:1/postgres', '--quiet']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(/PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres: cannot reach it \(ECONNREFUSED\)/);
    expect(unreachable.stderr + unreachable.stdout).not.toContain('s3cret-pw');
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = '/saga_sim_no_such_db';
    const missing = await cli(['run', 'scenarios/happy-path.yaml', '--state', 'postgres', '--database-url', url.toString(), '--quiet']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/database "saga_sim_no_such_db" does not exist; create it \(createdb\) or name another in --database-url/);
  });
});
