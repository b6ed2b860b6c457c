import type pg from 'pg';
import { encodeEvent } from '../../../events/codec.js';
import type { SagaEvent } from '../../../events/schema.js';
import { stamp } from '../../outgoing.js';
import type { StoreBackend } from '../write-queue.js';
import { loadStatement, writeParams, writeStatement, type BatchEntry } from './sql.js';
import type { Table } from './tables.js';

/** Records one statement writes at most. */
const MAX_BATCH = 512;
/**
 * Statements in flight at once. Each waits for its commit's WAL flush; while one does, the next
 * batch fills, so a busy service commits many records per flush (group commit) instead of one.
 */
const MAX_STATEMENTS = 2;

/** An outbox row just committed, for the relay to publish. */
export interface Committed {
  seq: number;
  eventId: string;
  type: string;
  data: Uint8Array;
}

export interface PgBackendHooks {
  /** Right after a commit, before anything is published or acknowledged (the crash-after-commit fault). */
  committed?(): void;
  /** The outbox rows a commit added. */
  outboxed?(rows: Committed[]): void;
}

class RevisionConflict extends Error {
  override name = 'RevisionConflict';
}

interface Waiting {
  entry: BatchEntry;
  resolve(revision: number): void;
  reject(error: Error): void;
}

/**
 * A compare-and-set store over one PostgreSQL table: writes are batched into single statements
 * (writeStatement), each record written only if its stored revision is the one its writer saw.
 */
export function pgBackend(pool: pg.Pool, table: Table<unknown>, outbox: boolean, hooks: PgBackendHooks, schema: string): StoreBackend<unknown> {
  const statement = writeStatement(table, outbox);
  const reload = loadStatement(table, true);
  const waiting: Waiting[] = [];
  let running = 0;
  const encodeEvents = (record: unknown): BatchEntry['events'] => {
    if (!outbox) return [];
    const at = new Date().toISOString();
    return table.events(record).map((out) => {
      const envelope = stamp(out, at);
      return { eventId: envelope.eventId, type: out.type, envelope: Buffer.from(encodeEvent(envelope as SagaEvent)).toString('utf8') };
    });
  };

  const run = async (batch: Waiting[]) => {
    running++;
    try {
      // Named, so each connection parses and plans it once, not on every batch.
      const query = { name: `write-${table.name}-${outbox ? 'outbox' : 'direct'}`, text: statement, values: writeParams(table, outbox, batch.map((w) => w.entry)) };
      const result = await pool.query<{ id: string; seq: number | null }>(query);
      hooks.committed?.();
      const written = new Set<string>();
      const added = new Map<string, number>();
      for (const row of result.rows) {
        if (row.seq === null) written.add(row.id);
        else added.set(row.id, row.seq);
      }
      const rows: Committed[] = [];
      for (const w of batch) {
        if (!written.has(w.entry.key)) {
          w.reject(new RevisionConflict(`${schema}.${table.name}/${w.entry.key}: revision ${w.entry.revision - 1} is no longer the stored one`));
          continue;
        }
        for (const e of w.entry.events) {
          const seq = added.get(e.eventId);
          if (seq !== undefined) rows.push({ seq, eventId: e.eventId, type: e.type, data: Buffer.from(e.envelope, 'utf8') });
        }
        w.resolve(w.entry.revision);
      }
      if (rows.length > 0) hooks.outboxed?.(rows);
    } catch (error) {
      for (const w of batch) w.reject(error as Error);
    } finally {
      running--;
      kick();
    }
  };
  const kick = () => {
    while (running < MAX_STATEMENTS && waiting.length > 0) void run(waiting.splice(0, MAX_BATCH));
  };

  return {
    name: `${schema}.${table.name}`,
    put(key, record, revision) {
      const entry = { key, revision: (revision ?? 0) + 1, record, events: encodeEvents(record) };
      const done = new Promise<number>((resolve, reject) => waiting.push({ entry, resolve, reject }));
      // Puts made in the same tick join one batch.
      if (waiting.length === 1) queueMicrotask(kick);
      return done;
    },
    isConflict: (error) => error instanceof RevisionConflict,
    async reread(key, attempted) {
      const { rows } = await pool.query(reload, [[key]]);
      const row = rows[0] as Record<string, unknown> | undefined;
      const record = row ? table.fromRow(row) : undefined;
      // An ambiguous write (its commit's answer lost with the connection) met its own revision on the retry.
      return { record, revision: row ? (row.revision as number) : undefined, ours: record !== undefined && sameRecord(record, attempted) };
    },
  };
}

/** Records equal as stored: the same fields with the same values, whatever their order. */
export function sameRecord(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}
