import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/load.js';
import { arrivals, rampRate } from './arrivals.js';
import { buildCatalogue } from './catalogue.js';
import { createOrderFactory } from './order-factory.js';
import { loadPlan } from './plan.js';

const scenario = parseScenario('name: t\nseed: 9\norders: { count: 50 }\norder: { items: { min: 1, max: 4 } }\ncatalogue: { products: 6, stock: 10 }\n', 't.yaml');

/** Intended times (ms from start) of the first n orders of a process. */
function schedule(process: ReturnType<typeof arrivals>, n: number): number[] {
  const times = [0];
  while (times.length < n) times.push((times.at(-1) as number) + process.gap(times.at(-1) as number, 1));
  return times;
}

describe('arrival processes', () => {
  it('constant: evenly spaced at 1/rate, and scaling the rate scales the gap', () => {
    const p = arrivals({ model: 'constant', rate: 100 }, 1);
    expect(schedule(p, 5)).toEqual([0, 10, 20, 30, 40]);
    expect(p.gap(0, 2)).toBe(5);
  });

  it('poisson: exponential gaps with the right mean, reproducible from the seed', () => {
    const p = arrivals({ model: 'poisson', rate: 100 }, 7);
    const sample = Array.from({ length: 20_000 }, () => p.gap(0, 1));
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    expect(mean).toBeGreaterThan(9.6);
    expect(mean).toBeLessThan(10.4);
    // Exponential: about 63% of gaps are below the mean.
    expect(sample.filter((g) => g < 10).length / sample.length).toBeCloseTo(1 - Math.exp(-1), 1);
    const again = arrivals({ model: 'poisson', rate: 100 }, 7);
    expect(Array.from({ length: 5 }, () => again.gap(0, 1))).toEqual(sample.slice(0, 5));
  });

  it('ramping: linear from the start rate through each stage, holding the last target', () => {
    const stages = [
      { durationMs: 10_000, target: 100 },
      { durationMs: 10_000, target: 300 },
    ];
    expect(rampRate(0, stages, 5000)).toBe(50);
    expect(rampRate(0, stages, 15_000)).toBe(200);
    expect(rampRate(0, stages, 60_000)).toBe(300);
    const times = schedule(arrivals({ model: 'ramping', startRate: 0, stages }, 1), 3000);
    const inWindow = (from: number, to: number) => times.filter((t) => t >= from && t < to).length;
    // ∫ rate dt: 500 orders in the first 10 s, 2000 in the next 10 s.
    expect(inWindow(0, 10_000)).toBeGreaterThan(480);
    expect(inWindow(0, 10_000)).toBeLessThan(520);
    expect(inWindow(10_000, 20_000)).toBeGreaterThan(1950);
    expect(inWindow(10_000, 20_000)).toBeLessThan(2050);
  });

  it('burst: size orders at once, every interval', () => {
    expect(schedule(arrivals({ model: 'burst', size: 3, everyMs: 1000 }, 1), 7)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });
});

describe('load plan', () => {
  it('stops a count-based run at script plus count, and a duration-based one by time', () => {
    expect(loadPlan(scenario, 2)).toMatchObject({ kind: 'open', count: 52, planned: 52 });
    const timed = parseScenario('name: t\norders: { rate: 100, duration: 10s }\n', 't.yaml');
    expect(loadPlan(timed, 0)).toMatchObject({ count: Infinity, durationMs: 10_000, planned: 1000 });
  });

  it('a ramp with no count or duration runs for its stages', () => {
    const ramp = parseScenario('name: r\nload: { model: ramping, stages: [{ duration: 10s, target: 100 }, { duration: 10s, target: 100 }] }\n', 'r.yaml');
    expect(loadPlan(ramp, 0)).toMatchObject({ kind: 'open', durationMs: 20_000, planned: 1500 });
  });

  it('a ramp shorter than the duration holds its last target for the rest (the bench warm-up ramp)', () => {
    const warm = parseScenario('name: w\norders: { rate: 6000, duration: 10s }\nload: { model: ramping, stages: [{ duration: 2s, target: 6000 }] }\n', 'w.yaml');
    // 6,000 over the ramp's 2 s (half the rate on average), then 6,000/s for 8 s.
    expect(loadPlan(warm, 0)).toMatchObject({ durationMs: 10_000, planned: 54_000 });
  });

  it('closed: concurrency and think time', () => {
    const closed = parseScenario('name: c\norders: { count: 100 }\nload: { model: closed, concurrency: 8, thinkTime: 5ms }\n', 'c.yaml');
    expect(loadPlan(closed, 0)).toMatchObject({ kind: 'closed', concurrency: 8, thinkMs: 5, count: 100 });
  });
});

describe('orders from the seed', () => {
  it('the same seed gives the same catalogue and the same orders', () => {
    const a = createOrderFactory(scenario, buildCatalogue(scenario));
    const b = createOrderFactory(scenario, buildCatalogue(scenario));
    for (let i = 1; i <= 20; i++) expect(a(i)).toEqual(b(i));
  });

  it('a seed gives the data it gave before: English product names, the same draws (kept across faker entry points)', () => {
    const catalogue = buildCatalogue(scenario);
    expect(catalogue[0]).toEqual({ id: 'p-001', name: 'Awesome Granite Hat', price: 3110, stock: 10 });
    expect(createOrderFactory(scenario, catalogue)(1)).toEqual({
      orderId: 'ord-000001',
      customerId: 'cust-0039',
      items: [{ productId: 'p-004', quantity: 1, unitPrice: 11669 }],
    });
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
