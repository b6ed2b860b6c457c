import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/load.js';
import { buildCatalogue } from './catalogue.js';
import { dueSlots, plannedCount } from './constant-rate.js';
import { createOrderFactory } from './order-factory.js';

const scenario = parseScenario('name: t\nseed: 9\norders: { count: 50 }\norder: { items: { min: 1, max: 4 } }\ncatalogue: { products: 6, stock: 10 }\n', 't.yaml');

describe('constant-rate schedule', () => {
  it('releases exactly the slots that are due, spaced 1/rate apart', () => {
    const slots = dueSlots(1000, { rate: 100 }, 0, 1000 + 95);
    expect(slots.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(slots[9]?.intendedAt).toBeCloseTo(1090);
    expect(dueSlots(1000, { rate: 100 }, 10, 1000 + 95)).toEqual([]);
  });

  it('stops at the planned count or duration, whichever is smaller', () => {
    expect(plannedCount({ rate: 100, count: 30 })).toBe(30);
    expect(plannedCount({ rate: 100, durationMs: 10_000 })).toBe(1000);
    expect(plannedCount({ rate: 100, count: 30, durationMs: 100 })).toBe(10);
    expect(dueSlots(0, { rate: 1000, count: 3 }, 0, 10_000)).toHaveLength(3);
  });
});

describe('orders from the seed', () => {
  it('the same seed gives the same catalogue and the same orders', () => {
    const a = createOrderFactory(scenario, buildCatalogue(scenario));
    const b = createOrderFactory(scenario, buildCatalogue(scenario));
    for (let i = 1; i <= 20; i++) expect(a(i)).toEqual(b(i));
  });

  it('orders have 1..N distinct catalogue products with quantities in range', () => {
    const catalogue = buildCatalogue(scenario);
    const next = createOrderFactory(scenario, catalogue);
    for (let i = 1; i <= 200; i++) {
      const order = next(i);
      const ids = order.items.map((item) => item.productId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(order.items.length).toBeGreaterThanOrEqual(1);
      expect(order.items.length).toBeLessThanOrEqual(4);
      for (const item of order.items) {
        expect(catalogue.find((p) => p.id === item.productId)?.price).toBe(item.unitPrice);
        expect(item.quantity).toBeGreaterThanOrEqual(1);
        expect(item.quantity).toBeLessThanOrEqual(3);
      }
    }
  });
});
