import { Kvm, type KV } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { ReplyMux } from '../../broker/reply-mux.js';
import { publishToStream } from '../../broker/stream-publish.js';
import { SagaSimError } from '../../errors.js';
import { limiter, withSlot } from '../limiter.js';
import { withRetries } from '../retry.js';
import type { RecordStore } from './record-store.js';

/** Another writer changed the key since this worker read it (e.g. the worker it replaced). */
export class StateConflictError extends SagaSimError {
  override name = 'StateConflictError';
}

export interface KvStoreHooks {
  /** A conflict replaced the cached record with the stored one; derived state (stock) must follow. */
  replaced?(key: string, before: unknown, after: unknown): void;
  /** Counters for the worker's stats. */
  wrote?(): void;
  retried?(): void;
  conflicted?(): void;
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

/**
 * KV writes a store has outstanding at once; the rest wait in line here. Core delivery has no
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

/** Keys read at once when fetching records another instance stored. */
const FETCH_PARALLEL = 64;

/**
 * A RecordStore backed by a JetStream KV bucket. Reads come from a cache loaded from the bucket
 * at start, so a restarted worker carries on from what its predecessor stored. Every write is a
 * compare-and-set on the revision this worker last saw. Writes to one key queue behind each other,
 * and a queued write stores the latest record, so a busy key costs at most two writes in flight.
 */
export async function openKvStore<R>(nc: NatsConnection, bucket: string, hooks: KvStoreHooks = {}): Promise<RecordStore<R>> {
  const kv = await new Kvm(nc).open(bucket);
  const cache = new Map<string, R>();
  const keys = new Map<string, KeyState>();
  for (const [key, { value, revision }] of await loadAll<R>(kv)) {
    cache.set(key, value);
    keys.set(key, { revision, epoch: 0, dirty: false });
  }

  // Writes are publishes to the bucket's subject (ADR-8: $KV.<bucket>.<key>) expecting the key's last
  // revision (0: a new key), the same as the client's create and update. They go through a reply
  // mux, which costs about half the CPU of the client's request path per write (see broker/reply-mux.ts).
  const mux = new ReplyMux(nc);
  const put = (key: string, data: Uint8Array, revision: number | undefined): Promise<number> => {
    const expect = headers();
    expect.set('Nats-Expected-Last-Subject-Sequence', String(revision ?? 0));
    return publishToStream(mux, `$KV.${bucket}.${key}`, data, { headers: expect }).then((stored) => stored.seq);
  };
  const slots = limiter(MAX_WRITES_IN_FLIGHT);
  const write = (key: string, state: KeyState, epoch: number, deferred: boolean) => withSlot(slots, () => writeNow(key, state, epoch), deferred);
  const writeNow = async (key: string, state: KeyState, epoch: number) => {
    if (state.epoch !== epoch) throw new StateConflictError(`${bucket}/${key} changed under this worker; the message will be redelivered`);
    state.dirty = false;
    // As encodeEvent: a slice of Buffer's pool, not a fresh ArrayBuffer per write.
    const data = Buffer.from(JSON.stringify(cache.get(key)), 'utf8');
    try {
      state.revision = await withRetries(
        () => put(key, data, state.revision),
        { isFinal: isConflict, onRetry: () => hooks.retried?.() },
      );
      hooks.wrote?.();
    } catch (error) {
      if (!isConflict(error)) {
        state.dirty = true;
        throw error;
      }
      const stored = await kv.get(key);
      // An ambiguous write: the broker stored an attempt but its answer was lost (a restart), and
      // the retry then met our own revision. Same bytes: it is ours, and it succeeded.
      if (stored && stored.operation === 'PUT' && sameBytes(stored.value, data)) {
        state.revision = stored.revision;
        hooks.wrote?.();
        return;
      }
      hooks.conflicted?.();
      state.epoch++;
      const before = cache.get(key);
      const after = stored && stored.operation === 'PUT' ? stored.json<R>() : undefined;
      if (after === undefined) cache.delete(key);
      else cache.set(key, after);
      state.revision = stored?.revision;
      hooks.replaced?.(key, before, after);
      throw new StateConflictError(`${bucket}/${key} changed under this worker (revision conflict); reloaded it`, { cause: error });
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

  // Interim writes held, by key, in the order they are due (each COALESCE_MS after it was held).
  const held = new Map<string, number>();
  let holdTimer: NodeJS.Timeout | undefined;
  const hold = (key: string, s: KeyState): Promise<void> => {
    if (s.held) return s.held.done;
    // A write already under way: queue behind it, as any write would (the queued one stores the latest record).
    if (s.inflight) return schedule(key);
    let settle: (write: Promise<void>) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => (settle = (write) => write.then(resolve, reject)));
    s.held = { done, settle, epoch: s.epoch };
    held.set(key, Date.now() + COALESCE_MS);
    armHoldTimer();
    return done;
  };
  /** Starts a held write now; its promise and the caller's are the same write. */
  const release = (key: string, s: KeyState): Promise<void> => {
    const h = s.held as NonNullable<KeyState['held']>;
    s.held = undefined;
    held.delete(key);
    // A conflict since it was held reloaded the record: the change it held is gone, so its message must come again.
    const write =
      h.epoch === s.epoch ? schedule(key) : Promise.reject(new StateConflictError(`${bucket}/${key} changed under this worker; the message will be redelivered`));
    h.settle(write);
    return write;
  };
  const releaseDue = () => {
    holdTimer = undefined;
    const t = Date.now();
    for (const [key, due] of held) {
      if (due > t) break;
      const s = keys.get(key);
      if (s?.held) release(key, s);
      else held.delete(key);
    }
    armHoldTimer();
  };
  const armHoldTimer = () => {
    if (holdTimer || held.size === 0) return;
    const first = held.values().next().value as number;
    holdTimer = setTimeout(releaseDue, Math.max(0, first - Date.now()));
    // A worker that stops with writes held has sagas unfinished anyway: their messages come again.
    holdTimer.unref();
  };

  const settled = (key: string): Promise<void> | undefined => {
    const state = keys.get(key);
    if (!state) return undefined;
    if (state.held) return state.held.done;
    if (state.queued) return state.queued;
    if (state.dirty && !state.inflight) return schedule(key);
    return state.inflight;
  };

  return {
    kind: 'kv',
    get: (key) => cache.get(key),
    set(key, record, kind = 'step') {
      cache.set(key, record);
      let state = keys.get(key);
      if (state) state.dirty = true;
      else keys.set(key, (state = { epoch: 0, dirty: true }));
      if (kind === 'interim') return hold(key, state);
      // A write held for this change: it goes now, and stores this record too.
      if (state.held) return release(key, state);
      return schedule(key, kind === 'start');
    },
    settled,
    values: () => cache.values(),
    async fetch(wanted) {
      const missing = wanted.filter((key) => !cache.has(key) && !keys.has(key));
      for (let i = 0; i < missing.length; i += FETCH_PARALLEL) {
        await Promise.all(
          missing.slice(i, i + FETCH_PARALLEL).map(async (key) => {
            const entry = await withRetries(() => kv.get(key));
            if (entry?.operation !== 'PUT' || cache.has(key) || keys.has(key)) return;
            cache.set(key, entry.json<R>());
            keys.set(key, { revision: entry.revision, epoch: 0, dirty: false });
          }),
        );
      }
    },
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}

/** Wrong-revision answers from the server: JetStream API error 10071 ("wrong last sequence"). */
function isConflict(error: unknown): boolean {
  const e = error as { errCode?: number; api_error?: { err_code?: number }; message?: string };
  return e?.errCode === 10071 || e?.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e?.message ?? '');
}

/** Every key's latest value, read through a watcher that ends once it has caught up. */
async function loadAll<R>(kv: KV): Promise<Map<string, { value: R; revision: number }>> {
  const loaded = new Map<string, { value: R; revision: number }>();
  const status = await kv.status();
  if (status.values === 0) return loaded;
  const watcher = await kv.watch({ key: '>', ignoreDeletes: true });
  for await (const entry of watcher) {
    if (entry.operation === 'PUT') loaded.set(entry.key, { value: entry.json<R>(), revision: entry.revision });
    // Caught up: the last initial value, or anything written since the watch began.
    if (entry.isUpdate || entry.delta === 0) break;
  }
  watcher.stop();
  return loaded;
}
