import pg from 'pg';
import { DEFAULT_DATABASE_URL } from '../../src/services/state/postgres/settings.js';

/** The server the PostgreSQL tests use: SAGA_SIM_TEST_DATABASE_URL, else DATABASE_URL, else the local default. */
export const TEST_DATABASE_URL = process.env.SAGA_SIM_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

/**
 * Whether PostgreSQL answers at TEST_DATABASE_URL. In CI it must (.ci/run starts one): there a
 * missing server fails the suite. Elsewhere the PostgreSQL tests are skipped, loudly.
 */
export async function postgresAnswers(suite: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    const why = `no PostgreSQL at ${TEST_DATABASE_URL} (${(error as Error).message})`;
    if (process.env.CI) throw new Error(`${suite}: ${why}; CI must run the PostgreSQL tests (.ci/run starts a server)`);
    process.stderr.write(`\n*** SKIPPED ${suite}: ${why}. Point SAGA_SIM_TEST_DATABASE_URL at a server (trust or password auth) to run them. ***\n\n`);
    return false;
  }
}

/** Runs one query on its own connection. */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
