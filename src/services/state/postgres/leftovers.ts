import { hostname } from 'node:os';
import { withPool } from './pool.js';
import { SCHEMA_ROOT } from './settings.js';

/** One namespace's schemas on a PostgreSQL server, and whether the process that made them is still at work. */
export interface SchemaHoldings {
  /** '' for the design's (saga_sim_order, …). */
  namespace: string;
  schemas: string[];
  rows: number;
  /** Who made them (the schema's comment). */
  createdBy?: string;
  /** Why they count as in use: connections to them, or their maker's pid alive on this host. */
  live?: string;
}

const SERVICES = ['order', 'payment', 'inventory'];

/** The namespace a saga-sim schema belongs to, or undefined for someone else's schema. */
function namespaceOf(schema: string): string | undefined {
  if (!schema.startsWith(SCHEMA_ROOT)) return undefined;
  const rest = schema.slice(SCHEMA_ROOT.length);
  const service = SERVICES.find((s) => rest === s || rest.endsWith(`_${s}`));
  if (!service) return undefined;
  return rest === service ? '' : rest.slice(0, -(service.length + 1));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What saga-sim left in this database: schemas named saga_sim_… only, grouped by namespace. */
export async function listSchemas(url: string): Promise<SchemaHoldings[]> {
  return withPool(url, async (pool) => {
    const { rows } = await pool.query<{ schema: string; comment: string | null; rows: string; connections: string }>(
      `SELECT n.nspname AS schema, obj_description(n.oid, 'pg_namespace') AS comment,
         coalesce((SELECT sum(s.n_live_tup) FROM pg_stat_user_tables s WHERE s.schemaname = n.nspname), 0)::bigint AS rows,
         (SELECT count(*) FROM pg_stat_activity a WHERE a.application_name = 'saga-sim ' || n.nspname) AS connections
       FROM pg_namespace n WHERE n.nspname LIKE 'saga\\_sim\\_%' ORDER BY 1`,
    );
    const byNamespace = new Map<string, SchemaHoldings>();
    for (const row of rows) {
      const namespace = namespaceOf(row.schema);
      if (namespace === undefined) continue;
      const h = byNamespace.get(namespace) ?? { namespace, schemas: [], rows: 0 };
      h.schemas.push(row.schema);
      h.rows += Number(row.rows);
      if (row.comment) h.createdBy = row.comment;
      if (Number(row.connections) > 0) h.live = `${row.connections} open connections`;
      byNamespace.set(namespace, h);
    }
    for (const h of byNamespace.values()) h.live ??= makerAlive(h.createdBy);
    return [...byNamespace.values()];
  });
}

/** `saga-sim run · namespace x · pid 4242 on ci-7 · …`: alive when that pid runs on this host. */
function makerAlive(createdBy: string | undefined): string | undefined {
  const match = /pid (\d+) on (\S+)/.exec(createdBy ?? '');
  if (!match || match[2] !== hostname()) return undefined;
  return pidAlive(Number(match[1])) ? `its maker, pid ${match[1]}, is running` : undefined;
}

export async function removeSchemas(url: string, holdings: SchemaHoldings): Promise<void> {
  await withPool(url, async (pool) => {
    for (const schema of holdings.schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
}
