import type { RunNames } from '../broker/names.js';
import type { Report } from '../report/report.js';
import { SERVICE_NAMES } from '../services/service.js';
import { DEFAULT_DATABASE_URL, redactDatabaseUrl, schemaName, type DatabaseSettings } from '../services/state/postgres/settings.js';
import type { RunOptions } from './run-options.js';

/** Where a run's PostgreSQL state lives, and how events leave it (used with `state: postgres` only). */
export function databaseSettings(options: Pick<RunOptions, 'databaseUrl' | 'scenario'>): DatabaseSettings {
  return { url: options.databaseUrl ?? DEFAULT_DATABASE_URL, outbox: options.scenario.postgres.outbox };
}

/** The report's `database` section: the server without its password, and the schemas, kept or not. */
export function databaseReport(options: RunOptions, names: RunNames, external: boolean): Report['database'] {
  if (options.scenario.state !== 'postgres') return undefined;
  const { url, outbox } = databaseSettings(options);
  return { url: redactDatabaseUrl(url), outbox, schemas: SERVICE_NAMES.map((s) => schemaName(names, s)), kept: external || options.keep === true };
}
