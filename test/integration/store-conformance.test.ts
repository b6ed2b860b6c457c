import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { newRunId, RunNames } from '../../src/broker/names.js';
import { currentOwner } from '../../src/broker/owner.js';
import { StateConflictError } from '../../src/errors.js';
import type { RecordStore, StateStoreKind } from '../../src/services/state/record-store.js';
import { STORES } from '../../src/services/state/stores.js';
import type { StoreHooks } from '../../src/services/state/write-queue.js';
import { startNats } from '../helpers/nats.js';

interface Rec {
  n: number;
  owner?: string;
}

let server: EmbeddedServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNats();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** A place of its own for each case; `open` opens a store on it (again: a restarted worker's, or a second instance's). */
async function place(kind: StateStoreKind) {
  const names = new RunNames({ id: newRunId(), subjectPrefix: '' });
  await STORES[kind].provision?.({ nc, names, services: ['order'], owner: currentOwner('test', names), fresh: true, replicas: 1 });
  return { open: (hooks: StoreHooks = {}) => STORES[kind].open<Rec>({ nc, names, service: 'order', hooks }) };
}

const durable = (store: RecordStore<Rec>) => store.kind !== 'memory';

// Every store answers the same: what it keeps, in what order, after a restart, an eviction and a conflict.
describe.each(Object.keys(STORES) as StateStoreKind[])('state store conformance: %s', (kind) => {
  it('reads back what was written, at once, and lists it', async () => {
    const store = await (await place(kind)).open();
    await store.set('a', { n: 1 });
    await store.set('b', { n: 2 });
    expect(store.get('a')).toEqual({ n: 1 });
    expect([...store.values()].map((r) => r.n).sort()).toEqual([1, 2]);
    expect(store.get('missing')).toBeUndefined();
  });

  it('keeps the last of many writes to one key, after a restart too (a durable store)', async () => {
    const at = await place(kind);
    const store = await at.open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set('k', { n: i })));
    await store.settled('k');
    expect(store.get('k')).toEqual({ n: 49 });
    const restarted = await at.open();
    expect(restarted.get('k')).toEqual(durable(store) ? { n: 49 } : undefined);
  });

  it('stores an interim record with the next change in one write, and alone once its window passes', async () => {
    let writes = 0;
    const at = await place(kind);
    const store = await at.open({ wrote: () => writes++ });
    const interim = store.set('k', { n: 1 }, 'interim');
    await store.set('k', { n: 2 });
    await interim;
    const alone = store.set('j', { n: 3 }, 'interim');
    await alone;
    expect(writes).toBe(durable(store) ? 2 : 0);
    expect((await at.open()).get('j')).toEqual(durable(store) ? { n: 3 } : undefined);
  });

  it('evicts a record from memory once its writes are done; a durable store still has it to fetch', async () => {
    const at = await place(kind);
    const store = await at.open();
    await store.set('k', { n: 7 });
    store.evict('k');
    await store.settled('k');
    expect(store.get('k')).toBeUndefined();
    await store.fetch?.(['k']);
    expect(store.get('k')).toEqual(durable(store) ? { n: 7 } : undefined);
  });

  it('refuses a stale write with StateConflictError and reloads the stored record (durable); memory has one writer', async () => {
    const at = await place(kind);
    const stale = await at.open();
    await stale.set('k', { n: 1, owner: 'first' });
    const replaced: unknown[] = [];
    const second = await at.open({ replaced: (_k, _b, after) => replaced.push(after) });
    if (!durable(stale)) {
      expect(second.get('k')).toBeUndefined();
      return;
    }
    await second.set('k', { n: 2, owner: 'second' });
    await expect(stale.set('k', { n: 3, owner: 'stale' })).rejects.toBeInstanceOf(StateConflictError);
    expect(stale.get('k')).toEqual({ n: 2, owner: 'second' });
    await stale.set('k', { n: 4, owner: 'stale, reloaded' });
    expect((await at.open()).get('k')).toEqual({ n: 4, owner: 'stale, reloaded' });
    expect(replaced).toEqual([]);
  });
});
