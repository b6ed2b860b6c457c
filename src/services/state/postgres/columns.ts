/**
 * How a record maps to a row with real columns. A batch of records travels as one array per
 * column (unnest), so a write of many records is one statement, whatever their number.
 */
export interface Column<R> {
  name: string;
  /** Its type in CREATE TABLE. */
  ddl: string;
  /** The element type of its parameter array. */
  param: string;
  get(record: R): unknown;
  /** The stored value from the unnested parameter (default: as is). */
  insert?(value: string): string;
  /** How a load reads it back (default: the column). */
  select?: string;
}

export const text = <R>(name: string, get: (r: R) => string | undefined, notNull = false): Column<R> => ({
  name,
  ddl: notNull ? 'text NOT NULL' : 'text',
  param: 'text',
  get: (r) => get(r) ?? null,
});

export const bool = <R>(name: string, get: (r: R) => boolean): Column<R> => ({ name, ddl: 'boolean NOT NULL', param: 'boolean', get });

/** Cents; read back as a JS number (bigint arrives as a string). */
export const cents = <R>(name: string, get: (r: R) => number | undefined, notNull = false): Column<R> => ({
  name,
  ddl: notNull ? 'bigint NOT NULL' : 'bigint',
  param: 'bigint',
  get: (r) => get(r) ?? null,
  select: `${name}::float8 AS ${name}`,
});

/** A small whole number, or null. */
export const int = <R>(name: string, get: (r: R) => number | undefined): Column<R> => ({ name, ddl: 'integer', param: 'integer', get: (r) => get(r) ?? null });

export const json = <R>(name: string, get: (r: R) => unknown): Column<R> => ({
  name,
  // json, not jsonb: stored as written, without the conversion jsonb costs on every insert.
  ddl: 'json',
  param: 'text',
  get: (r) => {
    const value = get(r);
    return value === undefined ? null : JSON.stringify(value);
  },
  insert: (v) => `${v}::json`,
});

/** Epoch ms, kept as a timestamp so psql shows a time; read back as ms. */
export const timestamp = <R>(name: string, get: (r: R) => number): Column<R> => ({
  name,
  ddl: 'timestamptz NOT NULL',
  param: 'float8',
  get,
  insert: (v) => `to_timestamp(${v} / 1000.0)`,
  select: `round(extract(epoch from ${name}) * 1000)::float8 AS ${name}`,
});

/** A nullable column's value as an optional field: absent, not null, as the record had it. */
export function optional<T>(value: unknown): T | undefined {
  return value === null || value === undefined ? undefined : (value as T);
}

/** Copies the defined fields only, so a record read back equals the one written. */
export function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}
