import type { Service, ServiceSnapshot } from '../service.js';
import { memoryStore, save, take, type RecordStore } from '../state/record-store.js';
import { shareOf, WHOLE, type GeneratorPart } from '../../load/share.js';
import { INVENTORY_CONSUMES, inventoryEvents, reduceInventory, stockMoved, type InventoryRecord } from './logic.js';
import type { StockLevel } from './stock.js';

export interface InventoryConfig {
  /** Initial stock per product id (the whole of it, whatever the instances). */
  stock: Record<string, number>;
  /** Orders a script marks as finding too little stock. */
  short?: readonly string[];
  /** This instance's share of the stock, when several inventory instances run (index from 0 of count). */
  share?: GeneratorPart;
}

/** Whether a record holds stock: reserved and not yet released. */
export function holdsStock(r: InventoryRecord | undefined): r is InventoryRecord & { items: NonNullable<InventoryRecord['items']> } {
  return r?.reservation === 'reserved' && !r.released && r.items !== undefined;
}

export function createInventoryService(config: InventoryConfig, records: RecordStore<InventoryRecord> = memoryStore()): Service {
  const share = config.share ?? WHOLE;
  const allotment = Object.fromEntries(Object.entries(config.stock).map(([id, n]) => [id, shareOf(n, share)]));
  // Stock is derived from the reservations rather than stored beside them, so the two cannot
  // disagree after a crash: a restarted worker recomputes it from the records it loads (every
  // instance's, when several share the stock: each holds what it reserved, less what it released).
  const stock = new Map<string, StockLevel>(Object.entries(allotment).map(([id, available]) => [id, { available, reserved: 0 }]));
  const move = (before: InventoryRecord | undefined, after: InventoryRecord | undefined) => {
    const delta = stockMoved(after, share.index);
    for (const [id, n] of stockMoved(before, share.index)) delta.set(id, (delta.get(id) ?? 0) - n);
    for (const [id, n] of delta) {
      const level = stock.get(id);
      if (!level) continue;
      level.available += n;
      level.reserved -= n;
    }
  };
  for (const r of records.values()) move(undefined, r);
  const short = new Set(config.short ?? []);
  return {
    name: 'inventory',
    consumes: INVENTORY_CONSUMES,
    handle(event, redelivered) {
      const prev = records.get(event.orderId);
      const step = reduceInventory(prev, event, stock, short.has(event.orderId), config.share ? share.index : undefined);
      move(prev, step.record);
      const saved = save(records, event.orderId, prev, step.record);
      return { emit: redelivered ? inventoryEvents(step.record) : step.emit, saved };
    },
    // A conflict replaced the record with the stored one: stock follows.
    replaced: (before, after) => move(before as InventoryRecord | undefined, after as InventoryRecord | undefined),
    snapshot: () => view(records.values()),
    // An evicted reservation still counts in `stock`: the stock it holds stays held.
    release: (orderIds) => view(take(records, orderIds)),
  };

  function view(rs: Iterable<InventoryRecord>): ServiceSnapshot {
    return {
      service: 'inventory',
      initial: { ...allotment },
      stock: Object.fromEntries([...stock].map(([id, level]) => [id, { ...level }])),
      reservations: [...rs]
        .filter((r) => r.reservation === 'reserved' && r.items)
        .map((r) => ({ orderId: r.orderId, items: r.items ?? [], released: r.released })),
    };
  }
}
