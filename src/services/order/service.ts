import type { Topology } from '../outgoing.js';
import type { Service, ServiceSnapshot } from '../service.js';
import { allSaved } from '../service.js';
import { memoryStore, save, take, type RecordStore, type WriteKind } from '../state/record-store.js';
import { expireOrder, ORDER_CONSUMES, orderEvents, placeOrder, reduceOrder, type OrderRecord } from './logic.js';

export interface OrderConfig {
  topology: Topology;
  /** A saga not finished this long after it was placed ends FAILED. */
  sagaTimeoutMs: number;
  /** false: an order placed again re-emits nothing (see reemits in create-service.ts). Default true. */
  reemit?: boolean;
}

export function createOrderService(config: OrderConfig, records: RecordStore<OrderRecord> = memoryStore()): Service {
  // PENDING orders by placement time, so a timeout check stops at the first young one. A restarted
  // worker rebuilds it from the store.
  const pending = new Map<string, OrderRecord>(
    [...records.values()].filter((r) => r.status === 'PENDING').sort((a, b) => a.createdAt - b.createdAt).map((r) => [r.orderId, r]),
  );
  const track = (record: OrderRecord) => {
    if (record.status === 'PENDING') pending.set(record.orderId, record);
    else pending.delete(record.orderId);
  };
  const keep = (prev: OrderRecord | undefined, record: OrderRecord | undefined, kind: WriteKind) => {
    if (!record) return undefined;
    if (record !== prev) track(record);
    return save(records, record.orderId, prev, record, kind);
  };
  return {
    name: 'order',
    consumes: ORDER_CONSUMES,
    place(cmd, now) {
      const prev = records.get(cmd.orderId);
      const step = placeOrder(prev, cmd, now);
      // Placing a known order again (the load generator retrying after a crash) re-emits what it stands for.
      // A new order's first write waits behind those of sagas under way (see MAX_WRITES_IN_FLIGHT):
      // under overload the service finishes what it started before it takes on more.
      return { emit: prev ? (config.reemit === false ? [] : orderEvents(prev)) : step.emit, saved: keep(prev, step.record, 'start') };
    },
    tick(now) {
      const emit = [];
      const saved = [];
      for (const record of pending.values()) {
        if (now - record.createdAt < config.sagaTimeoutMs) break;
        const step = expireOrder(record, now, config.sagaTimeoutMs);
        saved.push(keep(record, step.record, 'step'));
        emit.push(...step.emit);
      }
      return { emit, saved: allSaved(saved) };
    },
    handle(event, redelivered) {
      const prev = records.get(event.orderId);
      const step = reduceOrder(prev, event, config.topology);
      // Still PENDING: the saga's next reply usually follows within a millisecond or two, and one
      // write can store both. The message is acked only once stored, so nothing is lost meanwhile.
      const kind = step.record?.status === 'PENDING' ? 'interim' : 'step';
      return { emit: redelivered ? orderEvents(step.record) : step.emit, saved: keep(prev, step.record, kind) };
    },
    // A reloaded PENDING order is timed out again; it joins the end of the list, so it may expire
    // up to one saga timeout late.
    replaced(_before, after) {
      if (after) track(after as OrderRecord);
    },
    snapshot: () => view(records.values()),
    release(orderIds) {
      for (const id of orderIds) pending.delete(id);
      return view(take(records, orderIds));
    },
  };
}

function view(records: Iterable<OrderRecord>): ServiceSnapshot {
  return { service: 'order', orders: [...records].map(({ orderId, status, reason }) => ({ orderId, status, reason })) };
}
