import type { Service } from '../service.js';
import { INVENTORY_CONSUMES, reduceInventory, type InventoryRecord } from './logic.js';
import { applyStock, type StockLevel } from './stock.js';

export interface InventoryConfig {
  /** Initial stock per product id. */
  stock: Record<string, number>;
  /** Orders a script marks as finding too little stock. */
  short?: readonly string[];
}

export function createInventoryService(config: InventoryConfig): Service {
  const stock = new Map<string, StockLevel>(
    Object.entries(config.stock).map(([id, available]) => [id, { available, reserved: 0 }]),
  );
  const records = new Map<string, InventoryRecord>();
  const short = new Set(config.short ?? []);
  return {
    name: 'inventory',
    consumes: INVENTORY_CONSUMES,
    handle(event) {
      const step = reduceInventory(records.get(event.orderId), event, stock, short.has(event.orderId));
      records.set(event.orderId, step.record);
      for (const effect of step.effects) applyStock(stock, effect.items, effect.kind === 'reserve' ? 1 : -1);
      return step.emit;
    },
    snapshot: () => ({
      service: 'inventory',
      initial: { ...config.stock },
      stock: Object.fromEntries([...stock].map(([id, level]) => [id, { ...level }])),
      reservations: [...records.values()]
        .filter((r) => r.reservation === 'reserved' && r.items)
        .map((r) => ({ orderId: r.orderId, items: r.items ?? [], released: r.released })),
    }),
  };
}
