import { redactUrl } from '../../../broker/credentials.js';
import type { RunNames } from '../../../broker/names.js';

/** Where a run's PostgreSQL state lives when neither --database-url nor DATABASE_URL names one. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** What a service's PostgreSQL store is opened with (WorkerConfig.database). */
export interface DatabaseSettings {
  /** May hold `{service}`, replaced by the service's name: a database each, as in the design (order_db, …). */
  url: string;
  /** true: events go into an outbox table in the state's transaction, and a relay publishes them. */
  outbox: boolean;
}

/** The URL one service connects to. */
export function serviceUrl(url: string, service: string): string {
  return url.replaceAll('{service}', service);
}

/** The URL for output: the user stays, a password never appears. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return decodeURI(parsed.toString());
  } catch {
    return redactUrl(url);
  }
}

/** Schemas are named from the run's namespace: `saga_sim_order` for the design's, `saga_sim_<id>_order` for a run's. */
export function schemaName(names: RunNames, service: string): string {
  const id = names.id.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return id ? `saga_sim_${id}_${service}` : `saga_sim_${service}`;
}

/** Every saga-sim schema starts so, whatever its namespace (`saga-sim clean` looks for them). */
export const SCHEMA_ROOT = 'saga_sim_';
