import type { Service, ServiceSnapshot } from '../service.js';
import { memoryStore, save, take, type RecordStore } from '../state/record-store.js';
import { INVENTORY_CONSUMES, inventoryEvents, reduceInventory, type InventoryRecord } from './logic.js';
import { applyStock, type StockLevel } from './stock.js';

export interface InventoryConfig {
  /** Initial stock per product id. */
  stock: Record<string, number>;
  /** Orders a script marks as finding too little stock. */
  short?: readonly string[];
}

/** Whether a record holds stock: reserved and not yet released. */
export function holdsStock(r: InventoryRecord | undefined): r is InventoryRecord & { items: NonNullable<InventoryRecord['items']> } {
  return r?.reservation === 'reserved' && !r.released && r.items !== undefined;
}

export function createInventoryService(config: InventoryConfig, records: RecordStore<InventoryRecord> = memoryStore()): Service {
  // Stock is derived from the reservations rather than stored beside them, so the two cannot
  // disagree after a crash: a restarted worker recomputes it from the records it loads.
  const stock = new Map<string, StockLevel>(
    Object.entries(config.stock).map(([id, available]) => [id, { available, reserved: 0 }]),
  );
  for (const r of records.values()) if (holdsStock(r)) applyStock(stock, r.items, 1);
  const short = new Set(config.short ?? []);
  return {
    name: 'inventory',
    consumes: INVENTORY_CONSUMES,
    handle(event, redelivered) {
      const prev = records.get(event.orderId);
      const step = reduceInventory(prev, event, stock, short.has(event.orderId));
      for (const effect of step.effects) applyStock(stock, effect.items, effect.kind === 'reserve' ? 1 : -1);
      const saved = save(records, event.orderId, prev, step.record);
      return { emit: redelivered ? inventoryEvents(step.record) : step.emit, saved };
    },
    // Stock moves from the old hold to the stored one.
    replaced(before, after) {
      if (holdsStock(before as InventoryRecord | undefined)) applyStock(stock, (before as InventoryRecord).items ?? [], -1);
      if (holdsStock(after as InventoryRecord | undefined)) applyStock(stock, (after as InventoryRecord).items ?? [], 1);
    },
    snapshot: () => view(records.values()),
    // An evicted reservation still counts in `stock`: the stock it holds stays held.
    release: (orderIds) => view(take(records, orderIds)),
  };

  function view(rs: Iterable<InventoryRecord>): ServiceSnapshot {
    return {
      service: 'inventory',
      initial: { ...config.stock },
      stock: Object.fromEntries([...stock].map(([id, level]) => [id, { ...level }])),
      reservations: [...rs]
        .filter((r) => r.reservation === 'reserved' && r.items)
        .map((r) => ({ orderId: r.orderId, items: r.items ?? [], released: r.released })),
    };
  }
}
