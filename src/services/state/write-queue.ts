import { StateConflictError } from '../../errors.js';
import { limiter, withSlot } from '../limiter.js';
import { withRetries } from '../retry.js';
import type { RecordStore, WriteKind } from './record-store.js';

/**
 * Writes a durable store has outstanding at once; the rest wait in line here. Core delivery has no
 * max_ack_pending to bound the work in flight, and thousands of concurrent writes time out on the
 * client while the server still applies them: every retry then meets a newer revision, and an
 * overloaded run collapsed to a few sagas a second. A placed order's first write (`deferred`) waits
 * behind the writes of sagas under way: otherwise, offered twice what it takes, the order service
 * kept starting sagas it could not finish, and every saga took about as long as the whole run.
 */
export const MAX_WRITES_IN_FLIGHT = 256;

/**
 * How long an interim record (see WriteKind) waits for its key's next change before it is stored
 * anyway. The order service's two replies of a saga come a millisecond or two apart, so one write
 * stores both. The message waits unacked meanwhile, far inside the ack wait; nothing on a saga's
 * path waits for it, since the saga's next step is the second reply, which stores both at once.
 */
export const COALESCE_MS = 20;

export interface StoreHooks {
  /** A conflict replaced the cached record with the stored one; derived state (stock) must follow. */
  replaced?(key: string, before: unknown, after: unknown): void;
  /** Counters for the worker's stats. */
  wrote?(): void;
  retried?(): void;
  conflicted?(): void;
  /** An interim write stored alone: its key did not change again within COALESCE_MS. */
  alone?(): void;
}

/** What a durable store does itself: a compare-and-set write, and a read after a conflict. */
export interface StoreBackend<R> {
  /** Where it keeps the records, for errors (a bucket, a table). */
  readonly name: string;
  /** Stores the record if the key is still at `revision` (undefined: new); resolves to the new revision. */
  put(key: string, record: R, revision: number | undefined): Promise<number>;
  /** Whether a put failed because another writer changed the key. */
  isConflict(error: unknown): boolean;
  /** After a conflict: what is stored now, and whether it is this very record (an ambiguous write that was ours). */
  reread(key: string, attempted: R): Promise<{ record: R | undefined; revision: number | undefined; ours: boolean }>;
}

interface KeyState {
  revision?: number;
  /** Bumped on a conflict: writes queued before it are refused, so their messages are redelivered. */
  epoch: number;
  /** The write in flight, and the one queued behind it (which will store the latest record). */
  inflight?: Promise<void>;
  queued?: Promise<void>;
  /** An interim write held for the key's next change (at most COALESCE_MS), and the epoch it was made in. */
  held?: { done: Promise<void>; settle: (write: Promise<void>) => void; epoch: number };
  dirty: boolean;
}

/** A durable store's memory side: what it read, and `adopt` for a record read later. */
export type QueuedStore<R> = Omit<RecordStore<R>, 'kind' | 'fetch'> & {
  /** Takes in a record read from the backend (at start, or fetched), unless the key is known already. */
  adopt(key: string, record: R, revision: number): void;
  has(key: string): boolean;
};

/**
 * The write scheduling every durable store shares. Reads come from memory. Every write is a
 * compare-and-set on the revision this worker last saw. Writes to one key queue behind each other,
 * and a queued write stores the latest record, so a busy key costs at most two writes in flight.
 * On a conflict the stored record replaces the cached one and the write is refused, so the message
 * is redelivered and handled on the fresh record.
 */
export function queuedStore<R>(backend: StoreBackend<R>, hooks: StoreHooks = {}): QueuedStore<R> {
  const cache = new Map<string, R>();
  const keys = new Map<string, KeyState>();
  const changed = (key: string) => new StateConflictError(`${backend.name}/${key} changed under this worker; the message will be redelivered`);
  const slots = limiter(MAX_WRITES_IN_FLIGHT);
  const write = (key: string, state: KeyState, epoch: number, deferred: boolean) => withSlot(slots, () => writeNow(key, state, epoch), deferred);
  const writeNow = async (key: string, state: KeyState, epoch: number) => {
    if (state.epoch !== epoch) throw changed(key);
    state.dirty = false;
    const record = cache.get(key) as R;
    try {
      state.revision = await withRetries(() => backend.put(key, record, state.revision), { isFinal: backend.isConflict, onRetry: () => hooks.retried?.() });
      hooks.wrote?.();
    } catch (error) {
      if (!backend.isConflict(error)) {
        state.dirty = true;
        throw error;
      }
      const stored = await backend.reread(key, record);
      state.revision = stored.revision;
      if (stored.ours) return void hooks.wrote?.();
      hooks.conflicted?.();
      state.epoch++;
      const before = cache.get(key);
      if (stored.record === undefined) cache.delete(key);
      else cache.set(key, stored.record);
      hooks.replaced?.(key, before, stored.record);
      throw new StateConflictError(`${backend.name}/${key} changed under this worker (revision conflict); reloaded it`, { cause: error });
    }
  };

  const schedule = (key: string, deferred = false): Promise<void> => {
    let state = keys.get(key);
    if (!state) keys.set(key, (state = { epoch: 0, dirty: false }));
    if (state.queued) return state.queued;
    const s = state;
    const epoch = s.epoch;
    const start = () => {
      s.queued = undefined;
      const p = write(key, s, epoch, deferred);
      s.inflight = p;
      const clear = () => {
        if (s.inflight === p) s.inflight = undefined;
      };
      p.then(clear, clear);
      return p;
    };
    if (!s.inflight) return start();
    s.queued = s.inflight.then(start, start);
    return s.queued;
  };

  const holds = heldWrites(schedule, changed, keys, () => hooks.alone?.());
  const settled = (key: string): Promise<void> | undefined => {
    const state = keys.get(key);
    if (!state) return undefined;
    if (state.held) return state.held.done;
    if (state.queued) return state.queued;
    if (state.dirty && !state.inflight) return schedule(key);
    return state.inflight;
  };

  return {
    get: (key) => cache.get(key),
    has: (key) => cache.has(key) || keys.has(key),
    adopt(key, record, revision) {
      if (cache.has(key) || keys.has(key)) return;
      cache.set(key, record);
      keys.set(key, { revision, epoch: 0, dirty: false });
    },
    set(key, record, kind: WriteKind = 'step') {
      cache.set(key, record);
      let state = keys.get(key);
      if (state) state.dirty = true;
      else keys.set(key, (state = { epoch: 0, dirty: true }));
      if (kind === 'interim') return holds.hold(key, state);
      // A write held for this change: it goes now, and stores this record too.
      if (state.held) return holds.release(key, state);
      return schedule(key, kind === 'start');
    },
    settled,
    values: () => cache.values(),
    evict(key) {
      const drop = () => {
        const state = keys.get(key);
        if (state?.inflight || state?.queued || state?.dirty) return;
        cache.delete(key);
        keys.delete(key);
      };
      const pending = settled(key);
      if (pending) pending.then(drop, () => undefined);
      else drop();
    },
  };
}

/** Interim writes held, by key, in the order they are due (each COALESCE_MS after it was held). */
function heldWrites(schedule: (key: string) => Promise<void>, changed: (key: string) => Error, keys: Map<string, KeyState>, alone: () => void) {
  const held = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const hold = (key: string, s: KeyState): Promise<void> => {
    if (s.held) return s.held.done;
    // A write already under way: queue behind it, as any write would (the queued one stores the latest record).
    if (s.inflight) return schedule(key);
    let settle: (write: Promise<void>) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => (settle = (write) => write.then(resolve, reject)));
    s.held = { done, settle, epoch: s.epoch };
    held.set(key, Date.now() + COALESCE_MS);
    arm();
    return done;
  };
  /** Starts a held write now; its promise and the caller's are the same write. */
  const release = (key: string, s: KeyState): Promise<void> => {
    const h = s.held as NonNullable<KeyState['held']>;
    s.held = undefined;
    held.delete(key);
    // A conflict since it was held reloaded the record: the change it held is gone, so its message must come again.
    const write = h.epoch === s.epoch ? schedule(key) : Promise.reject(changed(key));
    h.settle(write);
    return write;
  };
  const releaseDue = () => {
    timer = undefined;
    const t = Date.now();
    for (const [key, due] of held) {
      if (due > t) break;
      const s = keys.get(key);
      if (s?.held) {
        alone();
        release(key, s);
      } else held.delete(key);
    }
    arm();
  };
  const arm = () => {
    if (timer || held.size === 0) return;
    const first = held.values().next().value as number;
    timer = setTimeout(releaseDue, Math.max(0, first - Date.now()));
    // A worker that stops with writes held has sagas unfinished anyway: their messages come again.
    timer.unref();
  };
  return { hold, release };
}
