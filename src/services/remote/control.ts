/**
 * How the engine reaches a service running in a process of its own (`saga-sim service`): NATS
 * request/reply on control subjects beside the event subjects (never in the events stream).
 * Every instance answers a ping; requests to one instance go to its own subject; placed orders
 * go to the order service's queue group, so one instance takes each batch.
 */
import { z } from 'zod';
import type { RunNames } from '../../broker/names.js';
import type { ServiceName, ServiceSnapshot } from '../service.js';
import type { WorkerStats } from '../protocol.js';

export const controlSubjects = (names: RunNames, service: ServiceName) => ({
  ping: `${names.controlRoot}.${service}.ping`,
  instance: (id: string) => `${names.controlRoot}.${service}.instance.${id}`,
  place: `${names.controlRoot}.${service}.place`,
  submit: `${names.controlRoot}.${service}.submit`,
  queue: names.durable(service),
});

/** An instance's answer to a ping. */
export interface Pong {
  id: string;
  service: ServiceName;
  pid: number;
  host: string;
  stats: WorkerStats;
}

/** A request to one instance. */
export const InstanceRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('snapshot') }),
  z.strictObject({ op: z.literal('settle'), orderIds: z.array(z.string()).max(10_000) }),
  z.strictObject({ op: z.literal('stall'), ms: z.number().int().positive().max(600_000) }),
  z.strictObject({ op: z.literal('pause'), ms: z.number().int().positive().max(600_000) }),
]);
export type InstanceRequest = z.infer<typeof InstanceRequestSchema>;

export type InstanceReply = { ok: true; snapshot?: ServiceSnapshot } | { ok: false; error: string };

const ItemSchema = z.strictObject({ productId: z.string().min(1).max(200), quantity: z.number().int().positive(), unitPrice: z.number().int().nonnegative() });
export const PlaceOrderSchema = z.strictObject({ orderId: z.string().min(1).max(200), customerId: z.string().min(1).max(200), items: z.array(ItemSchema).min(1).max(100) });
export const PlaceRequestSchema = z.strictObject({ orders: z.array(PlaceOrderSchema).max(100_000) });
export const SubmitRequestSchema = z.strictObject({ order: PlaceOrderSchema });

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const encode = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decode = (data: Uint8Array): unknown => JSON.parse(decoder.decode(data));

type InventorySnapshot = Extract<ServiceSnapshot, { service: 'inventory' }>;

/**
 * Inventory instances each hold a share of the stock (saga-sim service inventory --stock-share):
 * the whole stock is the sum of the shares, and of two copies of a reservation the released one
 * is the later state.
 */
function mergeStock(parts: readonly InventorySnapshot[]): InventorySnapshot {
  const initial: Record<string, number> = {};
  const stock: InventorySnapshot['stock'] = {};
  const reservations = new Map<string, InventorySnapshot['reservations'][number]>();
  for (const p of parts) {
    for (const [id, n] of Object.entries(p.initial)) initial[id] = (initial[id] ?? 0) + n;
    for (const [id, level] of Object.entries(p.stock)) {
      const sum = stock[id] ?? { available: 0, reserved: 0 };
      stock[id] = { available: sum.available + level.available, reserved: sum.reserved + level.reserved };
    }
    for (const r of p.reservations) if (!reservations.get(r.orderId)?.released) reservations.set(r.orderId, r);
  }
  return { service: 'inventory', initial, stock, reservations: [...reservations.values()] };
}

/**
 * The snapshots of several instances of one service as one. Each instance holds the records of
 * the sagas it handled, and two may hold the same saga's (shared KV state): one copy each.
 */
export function mergeSnapshots(service: ServiceName, parts: readonly ServiceSnapshot[]): ServiceSnapshot {
  switch (service) {
    case 'order': {
      const orders = new Map<string, Extract<ServiceSnapshot, { service: 'order' }>['orders'][number]>();
      // A copy read before the saga ended says PENDING; the one that saw it end wins.
      for (const p of parts) if (p.service === 'order') for (const o of p.orders) if (orders.get(o.orderId)?.status !== 'PENDING' || o.status !== 'PENDING') orders.set(o.orderId, o);
      return { service: 'order', orders: [...orders.values()] };
    }
    case 'payment': {
      const byOrder = new Map<string, Extract<ServiceSnapshot, { service: 'payment' }>['transactions']>();
      for (const p of parts) {
        if (p.service !== 'payment') continue;
        const mine = new Map<string, Extract<ServiceSnapshot, { service: 'payment' }>['transactions']>();
        for (const t of p.transactions) mine.set(t.orderId, [...(mine.get(t.orderId) ?? []), t]);
        // The longer ledger is the later state of the same record.
        for (const [id, ledger] of mine) if (ledger.length > (byOrder.get(id)?.length ?? -1)) byOrder.set(id, ledger);
      }
      return { service: 'payment', transactions: [...byOrder.values()].flat() };
    }
    case 'inventory':
      return mergeStock(parts.filter((p): p is Extract<ServiceSnapshot, { service: 'inventory' }> => p.service === 'inventory'));
  }
}
