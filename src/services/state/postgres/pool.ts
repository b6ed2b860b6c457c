import pg from 'pg';
import { redactDatabaseUrl } from './settings.js';
import { DatabaseUnavailableError } from '../../../errors.js';

/** Connections per service: the write statements in flight, a load and the relay's marks. */
const POOL_SIZE = 4;

/**
 * A pool whose connections work in `schema`: every statement names its tables unqualified.
 * `lazyCommits`: commits do not wait for the WAL flush (for what may be lost, like the relay's marks).
 */
export function openPool(url: string, schema?: string, o: { size?: number; lazyCommits?: boolean } = {}): pg.Pool {
  const settings = [...(schema ? [`-c search_path=${schema}`] : []), ...(o.lazyCommits ? ['-c synchronous_commit=off'] : [])];
  const pool = new pg.Pool({
    connectionString: url,
    max: o.size ?? POOL_SIZE,
    connectionTimeoutMillis: 5000,
    // Idle connections do not hold a finished worker or test open.
    allowExitOnIdle: true,
    // Named by schema, so pg_stat_activity tells one run's connections from another's.
    application_name: schema ? `saga-sim ${schema}` : 'saga-sim',
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  });
  // A connection the server ended (a restart, pg_terminate_backend) is dropped; the next query makes a new one.
  pool.on('error', () => undefined);
  return pool;
}

/** Why PostgreSQL cannot be used, in one line that names the server and never the password. */
export function unavailable(url: string, error: unknown): DatabaseUnavailableError {
  const e = error as { code?: string; message?: string };
  const why =
    e.code === '28P01' || e.code === '28000'
      ? `it refused the credentials (${e.message}); check the user and password in --database-url`
      : e.code === '3D000'
        ? `${e.message}; create it (createdb) or name another in --database-url`
        : `cannot reach it (${e.code ?? e.message ?? 'no answer'}); start PostgreSQL, or point --database-url (or DATABASE_URL) at one`;
  return new DatabaseUnavailableError(`PostgreSQL at ${redactDatabaseUrl(url)}: ${why}`, { cause: error });
}

/** Runs `work` on a pool of its own, ended afterwards; a connection failure becomes DatabaseUnavailableError. */
export async function withPool<T>(url: string, work: (pool: pg.Pool) => Promise<T>, schema?: string): Promise<T> {
  const pool = openPool(url, schema);
  try {
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      throw unavailable(url, error);
    }
    return await work(pool);
  } finally {
    await pool.end().catch(() => undefined);
  }
}
