/** Where a service keeps its records: in JetStream KV or PostgreSQL (durable), or in memory (fast, lost with the worker). */
export const STATE_STORES = ['kv', 'memory', 'postgres'] as const;
export type StateStoreKind = (typeof STATE_STORES)[number];

/**
 * How soon a write is stored. `step`: now. `start`: a placed order's first write, which waits behind
 * the writes of sagas under way (under overload, the service finishes what it started before it
 * takes on more). `interim`: a record nothing waits on yet (a saga part-way, one reply in), which
 * may wait up to COALESCE_MS for the key's next change so that one write stores both: the order
 * service otherwise wrote three times per saga, once per reply and once when placed.
 */
export type WriteKind = 'step' | 'start' | 'interim';

/**
 * Records by key, read from memory. Writes update memory at once; with a durable store they
 * also return a promise that resolves once the record is stored, and the shell publishes and
 * acknowledges only after that. A store serialises writes per key.
 */
export interface RecordStore<R> {
  readonly kind: StateStoreKind;
  get(key: string): R | undefined;
  /** Replaces the record. Memory: undefined (nothing to wait for). `kind`: how soon it is stored (default step). */
  set(key: string, record: R, kind?: WriteKind): Promise<void> | undefined;
  /** Resolves when the key's latest state is stored, retrying a write that failed; undefined when it already is. */
  settled(key: string): Promise<void> | undefined;
  values(): IterableIterator<R>;
  /**
   * Drops the record from memory once its writes are done (a settled saga). The store keeps it;
   * the worker shell ignores later messages about it.
   */
  evict(key: string): void;
  /**
   * Reads into memory the records of these keys that another instance of the service stored
   * (a durable store shared by several processes). Memory has nothing to read.
   */
  fetch?(keys: readonly string[]): Promise<void>;
  /** Finishes what a clean stop must not leave half done (an outbox's marks) and lets go of connections. */
  close?(): Promise<void>;
}

/** The records of these keys (those it has), dropped from memory. */
export function take<R>(store: RecordStore<R>, keys: readonly string[]): R[] {
  const taken: R[] = [];
  for (const key of keys) {
    const record = store.get(key);
    if (record === undefined) continue;
    taken.push(record);
    store.evict(key);
  }
  return taken;
}

/**
 * Stores `next` when a step changed the record; when it did not, waits for any write of the key
 * still due (a redelivery must not be acked before the state it repeats is stored).
 */
export function save<R>(store: RecordStore<R>, key: string, prev: R | undefined, next: R, kind: WriteKind = 'step'): Promise<void> | undefined {
  return next === prev ? store.settled(key) : store.set(key, next, kind);
}

export function memoryStore<R>(): RecordStore<R> {
  const records = new Map<string, R>();
  return {
    kind: 'memory',
    get: (key) => records.get(key),
    set: (key, record) => {
      records.set(key, record);
      return undefined;
    },
    settled: () => undefined,
    values: () => records.values(),
    evict: (key) => void records.delete(key),
  };
}
