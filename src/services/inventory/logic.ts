import type { SagaEvent } from '../../events/schema.js';
import { added, outgoing, type Outgoing } from '../outgoing.js';
import { demandByProduct, shortProducts, type StockLevel, type StockLine } from './stock.js';

/** What the inventory service knows about one order. */
export interface InventoryRecord {
  orderId: string;
  items?: StockLine[];
  createdEventId?: string;
  /** eventId of the event that asks for a release (payment.failed.v1 or order.failed.v1). */
  compensateEventId?: string;
  reservation: 'none' | 'reserved' | 'failed';
  /** Products found short, when the reservation failed. */
  short?: string[];
  released: boolean;
  /**
   * Several inventory instances each hold a share of the stock: the one that reserved (its share
   * index; absent: 0), and the one that released, whose share the stock went back to.
   */
  holder?: number;
  releasedBy?: number;
}

/** A stock movement the caller applies: reserve takes from available, release gives back. */
export interface StockEffect {
  kind: 'reserve' | 'release';
  items: StockLine[];
}

export interface InventoryStep {
  record: InventoryRecord;
  emit: Outgoing[];
  effects: StockEffect[];
}

export const INVENTORY_CONSUMES = ['order.created.v1', 'payment.failed.v1', 'order.failed.v1'] as const;

/**
 * Pure: reads stock, never writes it; the stock movement comes back as an effect.
 * `forceShort` (from a script) makes the order find too little stock of its first product.
 */
export function reduceInventory(
  prev: InventoryRecord | undefined,
  event: SagaEvent,
  stock: ReadonlyMap<string, StockLevel>,
  forceShort = false,
  share?: number,
): InventoryStep {
  const record: InventoryRecord = prev ? { ...prev } : { orderId: event.orderId, reservation: 'none', released: false };
  switch (event.type) {
    case 'order.created.v1':
      if (record.createdEventId === undefined) {
        record.createdEventId = event.eventId;
        record.items = event.payload.items.map(({ productId, quantity }) => ({ productId, quantity }));
      }
      break;
    case 'payment.failed.v1':
    case 'order.failed.v1':
      record.compensateEventId ??= event.eventId;
      break;
    default:
      return { record: prev ?? record, emit: [], effects: [] };
  }
  return advance(prev, record, stock, forceShort, share);
}

/**
 * What a record moves of one instance's available stock (share `share`): its reservation took
 * from the holder's share, its release gave back to the releaser's. Summed over every record, with
 * the share's allotment, it is that instance's available stock.
 */
export function stockMoved(r: InventoryRecord | undefined, share: number): Map<string, number> {
  const moved = new Map<string, number>();
  if (r?.reservation !== 'reserved' || !r.items) return moved;
  const sign = ((r.holder ?? 0) === share ? -1 : 0) + (r.released && (r.releasedBy ?? 0) === share ? 1 : 0);
  if (sign === 0) return moved;
  for (const [productId, quantity] of demandByProduct(r.items)) moved.set(productId, sign * quantity);
  return moved;
}

/** The events a record's state stands for (see orderEvents). */
export function inventoryEvents(r: InventoryRecord | undefined): Outgoing[] {
  if (!r) return [];
  const events: Outgoing[] = [];
  const cause = r.createdEventId ?? r.orderId;
  if (r.reservation === 'reserved' && r.items) events.push(outgoing('inventory.reserved.v1', r.orderId, cause, { items: r.items }));
  if (r.reservation === 'failed') {
    events.push(outgoing('inventory.failed.v1', r.orderId, cause, { reason: 'insufficient stock', productIds: r.short ?? [] }));
  }
  if (r.released && r.items) events.push(outgoing('inventory.released.v1', r.orderId, r.compensateEventId ?? cause, { items: r.items }));
  return events;
}

function advance(
  prev: InventoryRecord | undefined,
  record: InventoryRecord,
  stock: ReadonlyMap<string, StockLevel>,
  forceShort: boolean,
  share: number | undefined,
): InventoryStep {
  const effects: StockEffect[] = [];
  if (record.reservation === 'none' && record.items && record.createdEventId !== undefined) {
    const short = forceShort ? [record.items[0]?.productId ?? 'unknown'] : shortProducts(stock, record.items);
    if (short.length === 0) {
      record.reservation = 'reserved';
      if (share !== undefined) record.holder = share;
      effects.push({ kind: 'reserve', items: record.items });
    } else {
      record.reservation = 'failed';
      record.short = short;
    }
  }
  if (record.reservation === 'reserved' && !record.released && record.compensateEventId !== undefined && record.items) {
    record.released = true;
    if (share !== undefined) record.releasedBy = share;
    effects.push({ kind: 'release', items: record.items });
  }
  return { record, emit: added(inventoryEvents(prev), inventoryEvents(record)), effects };
}
