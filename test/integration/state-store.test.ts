import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { connectBroker } from '../../src/broker/connection.js';
import { provisionStateBuckets } from '../../src/broker/state-buckets.js';
import { DESIGN_NAMES } from '../../src/broker/names.js';
import { currentOwner } from '../../src/broker/owner.js';

const stateBucket = (service: string) => DESIGN_NAMES.stateBucket(service);
const owner = currentOwner('test', DESIGN_NAMES);
import { created, event } from '../helpers/events.js';
import { startNats, waitFor } from '../helpers/nats.js';
import { DEFAULT_BACKOFF_MS } from '../../src/scenario/schema.js';
import { StateConflictError } from '../../src/errors.js';
import { openKvStore } from '../../src/services/state/kv-store.js';
import { MAX_WRITES_IN_FLIGHT } from '../../src/services/state/write-queue.js';
import { createInventoryService } from '../../src/services/inventory/service.js';
import { createOrderService } from '../../src/services/order/service.js';
import type { InventoryRecord } from '../../src/services/inventory/logic.js';
import type { OrderRecord } from '../../src/services/order/logic.js';

let server: EmbeddedServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNats();
  nc = await connectBroker(server.url, 'state-store-test');
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const items = [{ productId: 'p-1', quantity: 2, unitPrice: 100 }];

describe('service state in JetStream KV', () => {
  it('a new worker loads what the previous one stored', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['order'], owner);
    const first = await openKvStore<{ n: number }>(nc, stateBucket('order'));
    await Promise.all([first.set('a', { n: 1 }), first.set('b', { n: 2 })]);
    await first.set('a', { n: 3 });
    const second = await openKvStore<{ n: number }>(nc, stateBucket('order'));
    expect(Object.fromEntries([...['a', 'b']].map((k) => [k, second.get(k)]))).toEqual({ a: { n: 3 }, b: { n: 2 } });
  });

  it('rapid writes to one key end with the latest record stored, whatever their interleaving', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['order'], owner);
    const store = await openKvStore<{ n: number }>(nc, stateBucket('order'));
    await Promise.all(Array.from({ length: 50 }, (_, n) => store.set('k', { n })));
    const reread = await openKvStore<{ n: number }>(nc, stateBucket('order'));
    expect(reread.get('k')).toEqual({ n: 49 });
  });

  it('more writes at once than may be in flight all land, the excess waiting its turn', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['payment'], owner);
    const store = await openKvStore<{ n: number }>(nc, stateBucket('payment'));
    const keys = Array.from({ length: MAX_WRITES_IN_FLIGHT * 4 }, (_, i) => `k-${i}`);
    await Promise.all(keys.map((k, n) => store.set(k, { n })));
    const reread = await openKvStore<{ n: number }>(nc, stateBucket('payment'));
    expect([...reread.values()]).toHaveLength(keys.length);
  });

  it('a write over a revision it did not see is refused, and the stored record is reloaded (compare-and-set)', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['inventory'], owner);
    const replaced: unknown[] = [];
    const stale = await openKvStore<{ owner: string }>(nc, stateBucket('inventory'), { replaced: (_k, _b, after) => replaced.push(after) });
    await stale.set('ord-1', { owner: 'stale' });
    const fresh = await openKvStore<{ owner: string }>(nc, stateBucket('inventory'));
    await fresh.set('ord-1', { owner: 'fresh' });
    await expect(stale.set('ord-1', { owner: 'stale again' })).rejects.toBeInstanceOf(StateConflictError);
    expect(stale.get('ord-1')).toEqual({ owner: 'fresh' });
    expect(replaced).toEqual([{ owner: 'fresh' }]);
    // Having reloaded, the next write goes through on the stored revision.
    await stale.set('ord-1', { owner: 'stale, reloaded' });
    expect((await openKvStore<{ owner: string }>(nc, stateBucket('inventory'))).get('ord-1')).toEqual({ owner: 'stale, reloaded' });
  });

  it('a retried write that meets its own earlier attempt (its answer lost in a broker restart) counts as done, not as a conflict', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['payment'], owner);
    let conflicts = 0;
    const worker = await openKvStore<{ charge: string }>(nc, stateBucket('payment'), { conflicted: () => conflicts++ });
    await worker.set('ord-1', { charge: 'none' });
    // The server stores the attempt; the worker never hears back, so it still holds the old revision.
    const server = await openKvStore<{ charge: string }>(nc, stateBucket('payment'));
    await server.set('ord-1', { charge: 'charged' });
    await expect(worker.set('ord-1', { charge: 'charged' })).resolves.toBeUndefined();
    expect(conflicts).toBe(0);
    await worker.set('ord-1', { charge: 'refunded' });
    expect((await openKvStore<{ charge: string }>(nc, stateBucket('payment'))).get('ord-1')).toEqual({ charge: 'refunded' });
  });

  it('an interim record and the next change of its key are stored in one write, both acknowledged by it', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['order'], owner);
    let writes = 0;
    const store = await openKvStore<{ n: number }>(nc, stateBucket('order'), { wrote: () => writes++ });
    const interim = store.set('k', { n: 1 }, 'interim');
    // A redelivery of the interim change waits for the same write.
    const redelivery = store.settled('k');
    const verdict = store.set('k', { n: 2 });
    await Promise.all([interim, redelivery, verdict]);
    expect(writes).toBe(1);
    const reread = await openKvStore<{ n: number }>(nc, stateBucket('order'));
    expect(reread.get('k')).toEqual({ n: 2 });
  });

  it('an interim record with no change after it is stored anyway, within COALESCE_MS, and then evicted', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['order'], owner);
    let writes = 0;
    const store = await openKvStore<{ n: number }>(nc, stateBucket('order'), { wrote: () => writes++ });
    await store.set('a', { n: 1 });
    const started = Date.now();
    const interims = [store.set('a', { n: 2 }, 'interim'), store.set('b', { n: 3 }, 'interim'), store.set('b', { n: 4 }, 'interim')];
    store.evict('a');
    await Promise.all(interims);
    // Held for the window (COALESCE_MS), not until the message's ack wait ran out and it came back.
    expect(Date.now() - started).toBeLessThan(DEFAULT_BACKOFF_MS[0] as number);
    expect(writes).toBe(3);
    await waitFor('a evicted once stored', () => store.get('a') === undefined, 2000);
    const reread = await openKvStore<{ n: number }>(nc, stateBucket('order'));
    expect([reread.get('a'), reread.get('b')]).toEqual([{ n: 2 }, { n: 4 }]);
  });

  it('a restarted inventory derives the same stock from the stored reservations', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['inventory'], owner);
    const before = createInventoryService({ stock: { 'p-1': 10 } }, await openKvStore<InventoryRecord>(nc, stateBucket('inventory')));
    for (const id of ['o-1', 'o-2', 'o-3']) await before.handle(created(id, items)).saved;
    await before.handle(event('payment.failed.v1', 'o-2', { reason: 'declined' })).saved;
    const after = createInventoryService({ stock: { 'p-1': 10 } }, await openKvStore<InventoryRecord>(nc, stateBucket('inventory')));
    const byOrder = (s: ReturnType<typeof before.snapshot>) =>
      s.service === 'inventory' ? { ...s, reservations: [...s.reservations].sort((a, b) => a.orderId.localeCompare(b.orderId)) } : s;
    expect(byOrder(after.snapshot())).toEqual(byOrder(before.snapshot()));
    const snap = after.snapshot();
    expect(snap.service === 'inventory' && snap.stock['p-1']).toEqual({ available: 6, reserved: 4 });
    // Idempotent across the restart: a redelivered order.created reserves nothing more, and re-emits what it stands for.
    const again = after.handle(created('o-1', items), true);
    expect(again.emit.map((e) => e.type)).toEqual(['inventory.reserved.v1']);
    const snap2 = after.snapshot();
    expect(snap2.service === 'inventory' && snap2.stock['p-1']).toEqual({ available: 6, reserved: 4 });
  });

  it('a restarted order service still times out the sagas its predecessor left PENDING', async () => {
    await provisionStateBuckets(nc, DESIGN_NAMES, ['order'], owner);
    const before = createOrderService({ topology: 'parallel', sagaTimeoutMs: 100 }, await openKvStore<OrderRecord>(nc, stateBucket('order')));
    await before.place?.({ orderId: 'o-1', customerId: 'c', items }, 1000).saved;
    await before.place?.({ orderId: 'o-2', customerId: 'c', items }, 1000).saved;
    await before.handle(event('payment.confirmed.v1', 'o-2', { transactionId: 'tx', amount: 200 })).saved;
    await before.handle(event('inventory.reserved.v1', 'o-2', { items: [{ productId: 'p-1', quantity: 2 }] })).saved;
    const after = createOrderService({ topology: 'parallel', sagaTimeoutMs: 100 }, await openKvStore<OrderRecord>(nc, stateBucket('order')));
    expect(after.tick?.(1200).emit.map((e) => [e.orderId, e.type])).toEqual([['o-1', 'order.failed.v1']]);
    // Placing a stored order again re-emits its created event rather than starting a second saga.
    expect(after.place?.({ orderId: 'o-2', customerId: 'c', items }, 2000).emit.map((e) => e.type)).toEqual(['order.confirmed.v1']);
  });
});
