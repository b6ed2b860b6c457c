import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { newRunId, RunNames } from '../../src/broker/names.js';
import { currentOwner } from '../../src/broker/owner.js';
import { StateConflictError } from '../../src/errors.js';
import type { RecordStore, StateStoreKind } from '../../src/services/state/record-store.js';
import { STORES } from '../../src/services/state/stores.js';
import type { StoreHooks } from '../../src/services/state/write-queue.js';
import type { OrderRecord } from '../../src/services/order/logic.js';
import { startNats } from '../helpers/nats.js';
import { postgresAnswers, TEST_DATABASE_URL } from '../helpers/postgres.js';

/** Order records, as every store keeps them (PostgreSQL in real columns); `n` and `owner` tell them apart. */
type Rec = OrderRecord;
const rec = (n: number, owner?: string): Rec => ({
  orderId: 'k',
  amount: n,
  status: 'PENDING',
  released: false,
  refunded: false,
  customerId: 'c-1',
  items: [{ productId: 'p-1', quantity: 1, unitPrice: n }],
  lastEventId: 'k',
  createdAt: 1_700_000_000_000 + n,
  ...(owner ? { failure: owner } : {}),
});
const n = (r: Rec | undefined) => r?.amount;

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

const withPostgres = await postgresAnswers('the PostgreSQL store conformance cases');
// The records alone: the outbox is tested with the runs that publish from it.
const database = { url: TEST_DATABASE_URL, outbox: false };
const removals: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const remove of removals) await remove();
});

/** A place of its own for each case; `open` opens a store on it (again: a restarted worker's, or a second instance's). */
async function place(kind: StateStoreKind) {
  const names = new RunNames({ id: newRunId(), subjectPrefix: '' });
  const store = STORES[kind];
  await store.provision?.({ nc, names, services: ['order'], owner: currentOwner('test', names), fresh: true, replicas: 1, database });
  const remove = store.remove;
  if (remove) removals.push(() => remove({ nc, names, services: ['order'], database }));
  return { open: (hooks: StoreHooks = {}) => store.open<Rec>({ nc, names, service: 'order', hooks, database }) };
}

const durable = (store: RecordStore<Rec>) => store.kind !== 'memory';

// Every store answers the same: what it keeps, in what order, after a restart, an eviction and a conflict.
const kinds = (Object.keys(STORES) as StateStoreKind[]).filter((kind) => kind !== 'postgres' || withPostgres);
describe.each(kinds)('state store conformance: %s', (kind) => {
  it('reads back what was written, at once, and lists it', async () => {
    const store = await (await place(kind)).open();
    await store.set('a', { ...rec(1), orderId: 'a' });
    await store.set('b', { ...rec(2), orderId: 'b' });
    expect(store.get('a')).toEqual({ ...rec(1), orderId: 'a' });
    expect([...store.values()].map(n).sort()).toEqual([1, 2]);
    expect(store.get('missing')).toBeUndefined();
  });

  it('keeps the last of many writes to one key, after a restart too (a durable store)', async () => {
    const at = await place(kind);
    const store = await at.open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set('k', rec(i))));
    await store.settled('k');
    expect(store.get('k')).toEqual(rec(49));
    const restarted = await at.open();
    expect(restarted.get('k')).toEqual(durable(store) ? rec(49) : undefined);
  });

  it('stores an interim record with the next change in one write, and alone once its window passes', async () => {
    let writes = 0;
    const at = await place(kind);
    const store = await at.open({ wrote: () => writes++ });
    const interim = store.set('k', rec(1), 'interim');
    await store.set('k', rec(2));
    await interim;
    const alone = store.set('j', { ...rec(3), orderId: 'j' }, 'interim');
    await alone;
    expect(writes).toBe(durable(store) ? 2 : 0);
    expect((await at.open()).get('j')).toEqual(durable(store) ? { ...rec(3), orderId: 'j' } : undefined);
  });

  it('evicts a record from memory once its writes are done; a durable store still has it to fetch', async () => {
    const at = await place(kind);
    const store = await at.open();
    await store.set('k', rec(7));
    store.evict('k');
    await store.settled('k');
    expect(store.get('k')).toBeUndefined();
    await store.fetch?.(['k']);
    expect(store.get('k')).toEqual(durable(store) ? rec(7) : undefined);
  });

  it('refuses a stale write with StateConflictError and reloads the stored record (durable); memory has one writer', async () => {
    const at = await place(kind);
    const stale = await at.open();
    await stale.set('k', rec(1, 'first'));
    const replaced: unknown[] = [];
    const second = await at.open({ replaced: (_k, _b, after) => replaced.push(after) });
    if (!durable(stale)) {
      expect(second.get('k')).toBeUndefined();
      return;
    }
    await second.set('k', rec(2, 'second'));
    await expect(stale.set('k', rec(3, 'stale'))).rejects.toBeInstanceOf(StateConflictError);
    expect(stale.get('k')).toEqual(rec(2, 'second'));
    await stale.set('k', rec(4, 'stale, reloaded'));
    expect((await at.open()).get('k')).toEqual(rec(4, 'stale, reloaded'));
    expect(replaced).toEqual([]);
  });
});
