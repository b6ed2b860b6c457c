import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/load.js';
import { buildCatalogue } from './catalogue.js';
import { createOrderSource } from './order-source.js';
import { loadPlan } from './plan.js';
import { partSeed, scenarioPart, shareOf, WHOLE } from './share.js';

const yaml = (load: string) =>
  parseScenario(`name: t\nseed: 9\norders: { count: 1001, rate: 300 }\n${load}catalogue: { products: 6, stock: 10 }\nscript:\n  - { id: named-1, payment: fail }\n`, 't.yaml');

describe('generator shares', () => {
  it('the parts of a count add up to it, the first ones taking the remainder', () => {
    expect([0, 1, 2].map((index) => shareOf(1001, { index, count: 3 }))).toEqual([334, 334, 333]);
    expect([0, 1].map((index) => shareOf(1, { index, count: 2 }))).toEqual([1, 0]);
  });

  it('gives each part its share of the count and rate, its own seed, and the script to the first only', () => {
    const whole = yaml('');
    const parts = [0, 1, 2].map((index) => scenarioPart(whole, { index, count: 3 }));
    expect(parts.map((p) => p.orders.count)).toEqual([334, 334, 333]);
    expect(parts.map((p) => p.orders.rate)).toEqual([100, 100, 100]);
    expect(parts.map((p) => p.script.length)).toEqual([1, 0, 0]);
    expect(new Set(parts.map((p) => p.seed)).size).toBe(3);
    expect(parts.every((p) => p.seed !== whole.seed)).toBe(true);
    expect(scenarioPart(whole, WHOLE)).toBe(whole);
    expect(partSeed(9, { index: 1, count: 3 })).toBe(partSeed(9, { index: 1, count: 3 }));
  });

  it('splits a closed loop\'s concurrency and each ramp stage\'s target', () => {
    const closed = scenarioPart(yaml('load: { model: closed, concurrency: 64 }\n'), { index: 1, count: 3 });
    expect(closed.load).toMatchObject({ model: 'closed', concurrency: 21 });
    const ramp = scenarioPart(yaml('load: { model: ramping, startRate: 30, stages: [{ duration: 10s, target: 300 }] }\n'), { index: 0, count: 3 });
    expect(ramp.load).toMatchObject({ startRate: 10, stages: [{ target: 100 }] });
  });

  it('the parts place every id one generator would, each once, with orders from the run\'s catalogue', () => {
    const whole = yaml('');
    const catalogue = buildCatalogue(whole);
    const count = 3;
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const part = { index, count };
      const scenario = scenarioPart(whole, part);
      const source = createOrderSource(scenario, catalogue, part, 'r1');
      const planned = loadPlan(scenario, source.scriptedIds.length).count;
      for (let seq = 1; seq <= planned; seq++) {
        const order = source.next(seq);
        expect(order.orderId).toBe(source.idOf(seq));
        expect(order.items.every((item) => catalogue.some((p) => p.id === item.productId && p.price === item.unitPrice))).toBe(true);
        ids.push(order.orderId);
      }
    }
    const one = createOrderSource(whole, catalogue, WHOLE, 'r1');
    expect(one.idOf(2)).toBe('ord-r1-000001');
    const expected = Array.from({ length: loadPlan(whole, 1).count }, (_, i) => one.idOf(i + 1));
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });
});
