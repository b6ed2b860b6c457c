import { describe, expect, it } from 'vitest';
import { created, event } from '../../../test/helpers/events.js';
import { mergeSnapshots } from '../remote/control.js';
import { memoryStore } from '../state/record-store.js';
import { reduceInventory, type InventoryRecord } from './logic.js';
import { createInventoryService } from './service.js';
import { applyStock, shortProducts, type StockLevel } from './stock.js';

const stockOf = (entries: Record<string, number>) =>
  new Map<string, StockLevel>(Object.entries(entries).map(([id, available]) => [id, { available, reserved: 0 }]));

const twoItems = [
  { productId: 'p-1', quantity: 2, unitPrice: 100 },
  { productId: 'p-2', quantity: 3, unitPrice: 100 },
];

describe('stock', () => {
  it('reserves all of an order or none', () => {
    expect(shortProducts(stockOf({ 'p-1': 5, 'p-2': 5 }), twoItems)).toEqual([]);
    expect(shortProducts(stockOf({ 'p-1': 5, 'p-2': 2 }), twoItems)).toEqual(['p-2']);
    expect(shortProducts(stockOf({ 'p-1': 5 }), twoItems)).toEqual(['p-2']);
  });

  it('sums lines naming the same product twice', () => {
    const lines = [
      { productId: 'p-1', quantity: 3 },
      { productId: 'p-1', quantity: 3 },
    ];
    expect(shortProducts(stockOf({ 'p-1': 5 }), lines)).toEqual(['p-1']);
    const stock = stockOf({ 'p-1': 6 });
    applyStock(stock, lines, 1);
    expect(stock.get('p-1')).toEqual({ available: 0, reserved: 6 });
    applyStock(stock, lines, -1);
    expect(stock.get('p-1')).toEqual({ available: 6, reserved: 0 });
  });
});

describe('inventory service logic', () => {
  it('reserves on order.created and reports the reservation as an effect', () => {
    const step = reduceInventory(undefined, created('ord-1', twoItems), stockOf({ 'p-1': 5, 'p-2': 5 }));
    expect(step.record.reservation).toBe('reserved');
    expect(step.effects).toEqual([{ kind: 'reserve', items: [{ productId: 'p-1', quantity: 2 }, { productId: 'p-2', quantity: 3 }] }]);
    expect(step.emit.map((e) => e.type)).toEqual(['inventory.reserved.v1']);
  });

  it('fails with the short products and reserves nothing', () => {
    const step = reduceInventory(undefined, created('ord-1', twoItems), stockOf({ 'p-1': 5, 'p-2': 1 }));
    expect(step.record.reservation).toBe('failed');
    expect(step.effects).toEqual([]);
    expect(step.emit[0]).toMatchObject({ type: 'inventory.failed.v1', payload: { productIds: ['p-2'] } });
  });

  it('payment failure releases the reservation, once', () => {
    const service = createInventoryService({ stock: { 'p-1': 5, 'p-2': 5 } });
    service.handle(created('ord-1', twoItems));
    const failed = event('payment.failed.v1', 'ord-1', { reason: 'declined' });
    expect(service.handle(failed).emit.map((e) => e.type)).toEqual(['inventory.released.v1']);
    expect(service.handle(failed).emit).toEqual([]);
    const snap = service.snapshot();
    expect(snap.service === 'inventory' && snap.stock).toEqual({ 'p-1': { available: 5, reserved: 0 }, 'p-2': { available: 5, reserved: 0 } });
  });

  it('a redelivered order.created never reserves stock twice', () => {
    const service = createInventoryService({ stock: { 'p-1': 5, 'p-2': 5 } });
    service.handle(created('ord-1', twoItems));
    expect(service.handle(created('ord-1', twoItems)).emit).toEqual([]);
    const snap = service.snapshot();
    expect(snap.service === 'inventory' && snap.stock['p-1']).toEqual({ available: 3, reserved: 2 });
  });

  it('payment failure seen before order.created: reserves, then releases at once', () => {
    const service = createInventoryService({ stock: { 'p-1': 5, 'p-2': 5 } });
    expect(service.handle(event('payment.failed.v1', 'ord-1', { reason: 'declined' })).emit).toEqual([]);
    expect(service.handle(created('ord-1', twoItems)).emit.map((e) => e.type)).toEqual(['inventory.reserved.v1', 'inventory.released.v1']);
  });

  it('nothing to release when the reservation had failed', () => {
    const service = createInventoryService({ stock: { 'p-1': 0 } });
    service.handle(created('ord-1', twoItems));
    expect(service.handle(event('payment.failed.v1', 'ord-1', { reason: 'declined' })).emit).toEqual([]);
  });
});

describe('inventory instances sharing the stock (--stock-share)', () => {
  const failed = (orderId: string) => event('payment.failed.v1', orderId, { reason: 'declined' });
  const whole = (services: ReturnType<typeof createInventoryService>[]) =>
    mergeSnapshots('inventory', services.map((s) => s.snapshot())) as Extract<ReturnType<typeof mergeSnapshots>, { service: 'inventory' }>;

  it('each holds its share; a release made by the other goes back to the other\'s share, and the whole is conserved', () => {
    const records = memoryStore<InventoryRecord>();
    const [a, b] = [0, 1].map((index) => createInventoryService({ stock: { 'p-1': 11 }, share: { index, count: 2 } }, records)) as [ReturnType<typeof createInventoryService>, ReturnType<typeof createInventoryService>];
    expect([a, b].map((s) => (s.snapshot() as { initial: Record<string, number> }).initial['p-1'])).toEqual([6, 5]);
    a.handle(created('ord-1', [{ productId: 'p-1', quantity: 4, unitPrice: 100 }]));
    expect(records.get('ord-1')).toMatchObject({ reservation: 'reserved', holder: 0 });
    // Its compensation is delivered to the other instance, which reads the shared record.
    const released = b.handle(failed('ord-1'));
    expect(released.emit.map((e) => e.type)).toEqual(['inventory.released.v1']);
    expect(records.get('ord-1')).toMatchObject({ released: true, releasedBy: 1 });
    expect(whole([a, b])).toMatchObject({ initial: { 'p-1': 11 }, stock: { 'p-1': { available: 11 } } });
    // A restarted instance derives the same share from the records.
    const restarted = createInventoryService({ stock: { 'p-1': 11 }, share: { index: 0, count: 2 } }, records);
    expect(whole([restarted, b]).stock['p-1']?.available).toBe(11);
  });

  it('refuses an order its own share cannot cover', () => {
    const s = createInventoryService({ stock: { 'p-1': 7 }, share: { index: 1, count: 2 } });
    expect(s.handle(created('ord-2', [{ productId: 'p-1', quantity: 4, unitPrice: 100 }])).emit.map((e) => e.type)).toEqual(['inventory.failed.v1']);
  });
});
