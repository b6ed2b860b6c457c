import { Command, Option } from 'commander';
import { connectBroker } from '../broker/connection.js';
import { redactUrl } from '../broker/credentials.js';
import { listHoldings, removeHoldings, type NamespaceHoldings } from '../broker/leftovers.js';
import { ownerDescription } from '../broker/owner.js';
import { UsageError } from '../errors.js';
import { redactDatabaseUrl } from '../services/state/postgres/settings.js';
import { listSchemas, removeSchemas, type SchemaHoldings } from '../services/state/postgres/leftovers.js';
import { EXIT } from './exit-codes.js';
import { namespaceOption } from './namespace-flags.js';

interface CleanFlags {
  natsUrl?: string;
  databaseUrl?: string;
  namespace?: string;
  yes?: boolean;
  json?: boolean;
}

export function cleanCommand(): Command {
  return new Command('clean')
    .description('List what saga-sim runs left on a NATS server (streams, consumers, KV buckets, by namespace) and, with --yes, remove it. Nothing of anyone else\'s is touched.')
    .addOption(new Option('--nats-url <url>', 'the server to clean').env('NATS_URL'))
    .addOption(new Option('--database-url <url>', 'a PostgreSQL database to clean too: the schemas of state: postgres runs (saga_sim_…)').env('DATABASE_URL'))
    .addOption(namespaceOption('every namespace'))
    .option('--yes', 'remove the leftovers listed (never those of a run, up or service still answering)', false)
    .option('--json', 'the list as JSON', false)
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim clean --nats-url nats://127.0.0.1:4222              # list
  $ saga-sim clean --nats-url nats://127.0.0.1:4222 --yes        # remove the leftovers
  $ saga-sim clean --nats-url nats://ci-nats:4222 --namespace k3j9x2a1 --yes
  $ saga-sim clean --database-url postgresql://postgres@127.0.0.1:5432/postgres --yes   # kept schemas (--keep)

A namespace is in use while the process that made it (a run, up or service) answers on NATS;
those are listed and kept. Only streams named SAGA_SIM_… and KV buckets named saga-sim-… are
considered. In PostgreSQL, schemas named saga_sim_… are, and those with connections open or whose
maker still runs on this host are kept. Exit codes: 0 listed (or removed) · 2 usage · 3 no server.`,
    )
    .action(async (flags: CleanFlags) => {
      process.exitCode = await cleanAction(flags);
    });
}

async function cleanAction(flags: CleanFlags): Promise<number> {
  if (!flags.natsUrl && !flags.databaseUrl) throw new UsageError('saga-sim clean needs --nats-url (or NATS_URL), --database-url (or DATABASE_URL), or both: what to clean');
  if (flags.natsUrl) await cleanNats(flags, flags.natsUrl);
  if (flags.databaseUrl) await cleanDatabase(flags, flags.databaseUrl);
  return EXIT.ok;
}

/** Lists what one server holds, removes what is not in use when asked, and prints it. */
async function clean<H extends { namespace: string; live?: unknown }>(
  flags: CleanFlags,
  list: () => Promise<H[]>,
  remove: (h: H) => Promise<void>,
  lines: (holdings: readonly H[], removed: readonly string[], asked: boolean) => string[],
): Promise<void> {
  const all = await list();
  const holdings = flags.namespace === undefined ? all : all.filter((h) => h.namespace === flags.namespace);
  const removed: string[] = [];
  if (flags.yes) {
    for (const h of holdings.filter((held) => !held.live)) {
      await remove(h);
      removed.push(h.namespace);
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(holdings.map((h) => ({ ...h, removed: removed.includes(h.namespace) })), null, 2)}\n`);
  else process.stdout.write(`${lines(holdings, removed, flags.yes ?? false).join('\n')}\n`);
}

function cleanDatabase(flags: CleanFlags, url: string): Promise<void> {
  return clean(flags, () => listSchemas(url), (h) => removeSchemas(url, h), (holdings, removed, asked) => schemaLines(holdings, removed, redactDatabaseUrl(url), asked));
}

export function schemaLines(holdings: readonly SchemaHoldings[], removed: readonly string[], url: string, asked: boolean): string[] {
  if (holdings.length === 0) return [`no saga-sim schemas in ${url}`];
  const lines = holdings.map((h) => {
    const state = h.live ? `in use (${h.live})` : removed.includes(h.namespace) ? 'removed' : 'leftover';
    return `${label(h.namespace).padEnd(12)} ${state.padEnd(9)} ${h.schemas.join(', ')} · about ${h.rows.toLocaleString('en-US')} rows${h.createdBy && !h.live ? ` · ${h.createdBy}` : ''}`;
  });
  const left = holdings.filter((h) => !h.live && !removed.includes(h.namespace)).length;
  if (!asked && left > 0) lines.push(`${left} leftover namespace${left === 1 ? '' : 's'} in PostgreSQL; remove with --yes`);
  return lines;
}

async function cleanNats(flags: CleanFlags, natsUrl: string): Promise<void> {
  const nc = await connectBroker(natsUrl, 'saga-sim-clean');
  try {
    await clean(flags, () => listHoldings(nc), (h) => removeHoldings(nc, h), (holdings, removed, asked) => cleanLines(holdings, removed, redactUrl(natsUrl), asked));
  } finally {
    await nc.close();
  }
}

const label = (namespace: string) => namespace || '(design)';

export function cleanLines(holdings: readonly NamespaceHoldings[], removed: readonly string[], url: string, asked: boolean): string[] {
  if (holdings.length === 0) return [`nothing of saga-sim's on ${url}`];
  const lines = holdings.map((h) => {
    const state = h.live ? `in use by ${ownerDescription(h.live)}` : removed.includes(h.namespace) ? 'removed' : 'leftover';
    const size = `${h.streams.length} streams, ${h.messages.toLocaleString('en-US')} messages, ${(h.bytes / 1024).toFixed(0)} KiB`;
    return `${label(h.namespace).padEnd(12)} ${state.padEnd(9)} ${size}${h.createdBy && !h.live ? ` · ${h.createdBy}` : ''}`;
  });
  const left = holdings.filter((h) => !h.live && !removed.includes(h.namespace)).length;
  if (!asked && left > 0) lines.push(`${left} leftover namespace${left === 1 ? '' : 's'}; remove with --yes`);
  return lines;
}
