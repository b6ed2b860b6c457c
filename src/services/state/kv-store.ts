import { Kvm, type KV } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { ReplyMux } from '../../broker/reply-mux.js';
import { publishToStream } from '../../broker/stream-publish.js';
import { withRetries } from '../retry.js';
import type { RecordStore } from './record-store.js';
import { queuedStore, type StoreBackend, type StoreHooks } from './write-queue.js';

/** Keys read at once when fetching records another instance stored. */
const FETCH_PARALLEL = 64;

/**
 * A RecordStore backed by a JetStream KV bucket: the shared write queue (write-queue.ts) over
 * compare-and-set publishes. Reads come from a cache loaded from the bucket at start, so a
 * restarted worker carries on from what its predecessor stored.
 */
export async function openKvStore<R>(nc: NatsConnection, bucket: string, hooks: StoreHooks = {}): Promise<RecordStore<R>> {
  const kv = await new Kvm(nc).open(bucket);
  const store = queuedStore<R>(kvBackend(nc, kv, bucket), hooks);
  for (const [key, { value, revision }] of await loadAll<R>(kv)) store.adopt(key, value, revision);
  return {
    ...store,
    kind: 'kv',
    async fetch(wanted) {
      const missing = wanted.filter((key) => !store.has(key));
      for (let i = 0; i < missing.length; i += FETCH_PARALLEL) {
        await Promise.all(
          missing.slice(i, i + FETCH_PARALLEL).map(async (key) => {
            const entry = await withRetries(() => kv.get(key));
            if (entry?.operation === 'PUT') store.adopt(key, entry.json<R>(), entry.revision);
          }),
        );
      }
    },
  };
}

/**
 * Writes are publishes to the bucket's subject (ADR-8: $KV.<bucket>.<key>) expecting the key's last
 * revision (0: a new key), the same as the client's create and update. They go through a reply
 * mux, which costs about half the CPU of the client's request path per write (see broker/reply-mux.ts).
 */
function kvBackend<R>(nc: NatsConnection, kv: KV, bucket: string): StoreBackend<R> {
  const mux = new ReplyMux(nc);
  // As encodeEvent: a slice of Buffer's pool, not a fresh ArrayBuffer per write.
  const encode = (record: R) => Buffer.from(JSON.stringify(record), 'utf8');
  return {
    name: bucket,
    put(key, record, revision) {
      const expect = headers();
      expect.set('Nats-Expected-Last-Subject-Sequence', String(revision ?? 0));
      return publishToStream(mux, `$KV.${bucket}.${key}`, encode(record), { headers: expect }).then((stored) => stored.seq);
    },
    isConflict,
    async reread(key, attempted) {
      const stored = await kv.get(key);
      const put = stored?.operation === 'PUT' ? stored : undefined;
      // An ambiguous write: the broker stored an attempt but its answer was lost (a restart), and
      // the retry then met our own revision. Same bytes: it is ours, and it succeeded.
      return { record: put?.json<R>(), revision: stored?.revision, ours: put !== undefined && sameBytes(put.value, encode(attempted)) };
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
