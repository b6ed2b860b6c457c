import type { RunNames } from '../../../broker/names.js';
import type { Topology } from '../../outgoing.js';
import type { ServiceName } from '../../service.js';
import type { RecordStore } from '../record-store.js';
import { queuedStore, type StoreHooks } from '../write-queue.js';
import { outboxRelay, type RelaySend } from './outbox-relay.js';
import { pgBackend } from './pg-backend.js';
import { openPool, unavailable, withPool } from './pool.js';
import { schemaName, serviceUrl, type DatabaseSettings } from './settings.js';
import { ddl, loadStatement } from './sql.js';
import { tableFor } from './tables.js';

export interface PgStoreContext {
  names: RunNames;
  service: ServiceName;
  database: DatabaseSettings;
  topology: Topology;
  /** The inventory's products and their initial stock, kept beside the reservations. */
  stock?: Record<string, number>;
  /** How the outbox relay publishes (the outbox only). */
  send?: RelaySend;
  hooks: StoreHooks & { committed?(): void; published?(): void };
}

/**
 * A RecordStore over the service's own schema: the shared write queue over batched,
 * revision-checked statements, with the events each record stands for committed to an outbox in
 * the same statement (unless the outbox is off) and published from there by a relay.
 */
export async function openPgStore<R>(ctx: PgStoreContext): Promise<RecordStore<R>> {
  const url = serviceUrl(ctx.database.url, ctx.service);
  const schema = schemaName(ctx.names, ctx.service);
  const table = tableFor(ctx.service, ctx.topology);
  const pool = openPool(url, schema);
  // A mark lost with a crash only means a repeat publish, which JetStream drops; a clean stop flushes them.
  const marks = ctx.database.outbox && ctx.send ? openPool(url, schema, { size: 1, lazyCommits: true }) : undefined;
  const relay = marks && ctx.send ? outboxRelay(marks, ctx.send, { published: ctx.hooks.published, retried: ctx.hooks.retried }) : undefined;
  const backend = pgBackend(pool, table, relay !== undefined, { committed: ctx.hooks.committed, outboxed: (rows) => relay?.publish(rows) }, schema);
  const store = queuedStore<R>(backend as never, ctx.hooks);
  const adopt = (rows: Record<string, unknown>[]) => rows.forEach((row) => store.adopt(row.order_id as string, table.fromRow(row) as R, row.revision as number));
  try {
    if (ctx.stock) {
      const entries = Object.entries(ctx.stock);
      await pool.query('INSERT INTO products (product_id, initial) SELECT * FROM unnest($1::text[], $2::integer[]) ON CONFLICT (product_id) DO UPDATE SET initial = EXCLUDED.initial', [
        entries.map(([id]) => id),
        entries.map(([, n]) => n),
      ]);
    }
    adopt((await pool.query(loadStatement(table, false))).rows);
    await relay?.start();
  } catch (error) {
    relay?.stop();
    await Promise.all([pool.end(), marks?.end()]).catch(() => undefined);
    throw (error as { code?: string }).code === '42P01' ? new Error(`${schema}: no tables; the run provisions them (saga-sim run, or saga-sim service)`) : unavailable(url, error);
  }
  return {
    ...store,
    kind: 'postgres',
    async fetch(wanted) {
      const missing = wanted.filter((key) => !store.has(key));
      if (missing.length > 0) adopt((await pool.query(loadStatement(table, true), [missing])).rows);
    },
    async close() {
      await relay?.close();
      await Promise.all([pool.end(), marks?.end()]).catch(() => undefined);
    },
  };
}

export interface PgProvisioning {
  names: RunNames;
  services: readonly ServiceName[];
  database: DatabaseSettings;
  /** Drop what a previous run of this namespace left first. */
  fresh: boolean;
  /** Said on each schema (COMMENT), so a leftover tells whose it was. */
  owner: string;
}

/** Creates each service's schema and tables (the same DDL whatever the topology). */
export async function provisionSchemas(p: PgProvisioning): Promise<void> {
  for (const service of p.services) {
    const schema = schemaName(p.names, service);
    await withPool(serviceUrl(p.database.url, service), async (pool) => {
      if (p.fresh) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await pool.query(`COMMENT ON SCHEMA ${schema} IS ${literal(p.owner)}`);
      for (const statement of ddl(tableFor(service, 'parallel'))) await pool.query(`SET search_path = ${schema}; ${statement}`);
    });
  }
}

export async function dropSchemas(p: Pick<PgProvisioning, 'names' | 'services' | 'database'>): Promise<void> {
  for (const service of p.services) {
    await withPool(serviceUrl(p.database.url, service), (pool) => pool.query(`DROP SCHEMA IF EXISTS ${schemaName(p.names, service)} CASCADE`));
  }
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
