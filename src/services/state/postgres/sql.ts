import type { Column } from './columns.js';
import type { Table } from './tables.js';

/** The tables, the outbox and the table's own extras, in the service's schema (the pool's search_path). */
export function ddl(table: Table<unknown>): string[] {
  const columns = (cs: Column<never>[]) => cs.map((c) => `${c.name} ${c.ddl}`).join(', ');
  const statements = [`CREATE TABLE IF NOT EXISTS ${table.name} (order_id text PRIMARY KEY, revision integer NOT NULL, ${columns(table.columns)})`];
  if (table.child) {
    const c = table.child;
    statements.push(`CREATE TABLE IF NOT EXISTS ${c.name} (order_id text NOT NULL, ${columns(c.columns)}, PRIMARY KEY (${c.key}))`);
    statements.push(`CREATE INDEX IF NOT EXISTS ${c.name}_by_order ON ${c.name} (order_id)`);
  }
  statements.push(
    `CREATE TABLE IF NOT EXISTS outbox (seq bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, order_id text NOT NULL, type text NOT NULL,
       envelope json NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz)`,
    'CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (seq) WHERE sent_at IS NULL',
  );
  return [...statements, ...table.extraDdl];
}

/**
 * One statement (so one transaction) writes a batch: the records, each only if its stored revision
 * is the one its writer last saw; the events those written records stand for, into the outbox
 * (an event already there is skipped); and the rows appended beside them. It returns the keys
 * written and the outbox rows added. Parameters: see writeParams.
 */
export function writeStatement(table: Table<unknown>, outbox: boolean): string {
  let n = 0;
  const p = (type: string) => `$${++n}::${type}[]`;
  const names = table.columns.map((c) => c.name);
  const input = `SELECT * FROM unnest(${[p('text'), p('integer'), ...table.columns.map((c) => p(c.param))].join(', ')}) AS i(order_id, revision, ${names.join(', ')})`;
  const values = table.columns.map((c) => (c.insert ? c.insert(c.name) : c.name)).join(', ');
  const parts = [
    `input AS (${input})`,
    `written AS (INSERT INTO ${table.name} (order_id, revision, ${names.join(', ')}) SELECT order_id, revision, ${values} FROM input
       ON CONFLICT (order_id) DO UPDATE SET revision = EXCLUDED.revision, ${names.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
       WHERE ${table.name}.revision = EXCLUDED.revision - 1
       RETURNING order_id)`,
  ];
  if (outbox) {
    parts.push(`outboxed AS (INSERT INTO outbox (order_id, event_id, type, envelope)
       SELECT e.order_id, e.event_id, e.type, e.envelope::json FROM unnest(${p('text')}, ${p('text')}, ${p('text')}, ${p('text')}) AS e(order_id, event_id, type, envelope)
       JOIN written USING (order_id)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING seq, event_id)`);
  }
  if (table.child) {
    const c = table.child;
    const cs = c.columns.map((col) => col.name);
    parts.push(`appended AS (INSERT INTO ${c.name} (order_id, ${cs.join(', ')})
       SELECT a.order_id, ${cs.map((x) => `a.${x}`).join(', ')} FROM unnest(${[p('text'), ...c.columns.map((col) => p(col.param))].join(', ')}) AS a(order_id, ${cs.join(', ')})
       JOIN written USING (order_id)
       ON CONFLICT (${c.key}) DO NOTHING)`);
  }
  const outboxed = outbox ? ' UNION ALL SELECT event_id, seq::float8 FROM outboxed' : '';
  return `WITH ${parts.join(',\n')}\nSELECT order_id AS id, NULL::float8 AS seq FROM written${outboxed}`;
}

/** A record as the write statement takes it, and the events it stands for (already encoded). */
export interface BatchEntry {
  key: string;
  revision: number;
  record: unknown;
  events: { eventId: string; type: string; envelope: string }[];
}

/** The parameter arrays of writeStatement, in its order. */
export function writeParams(table: Table<unknown>, outbox: boolean, batch: readonly BatchEntry[]): unknown[][] {
  const params: unknown[][] = [batch.map((e) => e.key), batch.map((e) => e.revision), ...table.columns.map((c) => batch.map((e) => c.get(e.record as never)))];
  if (outbox) {
    const events = batch.flatMap((e) => e.events.map((ev) => ({ key: e.key, ...ev })));
    params.push(
      events.map((e) => e.key),
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.envelope),
    );
  }
  if (table.child) {
    const c = table.child;
    const rows = batch.flatMap((e) => c.rows(e.record).map((row, position) => ({ orderId: e.key, row, position })));
    params.push(
      rows.map((r) => r.orderId),
      ...c.columns.map((col) => rows.map((r) => col.get(r))),
    );
  }
  return params;
}

/** The records with their revisions (all, or those of `$1`, an array of keys), children as a JSON array. */
export function loadStatement(table: Table<unknown>, some: boolean): string {
  const columns = table.columns.map((c) => c.select ?? c.name).join(', ');
  const c = table.child;
  const children = c
    ? `, (SELECT json_agg(json_build_object(${c.columns.map((col) => `'${col.name}', ch.${col.name}`).join(', ')}) ORDER BY ch.position) FROM ${c.name} ch WHERE ch.order_id = t.order_id) AS children`
    : '';
  return `SELECT order_id, revision, ${columns}${children} FROM ${table.name} t${some ? ' WHERE order_id = ANY($1::text[])' : ''}`;
}
