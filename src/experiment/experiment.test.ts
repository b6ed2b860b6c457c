import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/load.js';
import { expectedConfirmedShare, expectedDemandPerProduct } from './model.js';
import { scenarioAt, STOCK_MULTIPLE, sweepValues } from './params.js';
import { wilson } from './wilson.js';

describe('Wilson interval', () => {
  it('matches published values and stays inside [0, 1]', () => {
    const [lo, hi] = wilson(90, 100);
    expect(lo).toBeCloseTo(0.8256, 3);
    expect(hi).toBeCloseTo(0.9448, 3);
    expect(wilson(0, 2000)[0]).toBe(0);
    expect(wilson(0, 2000)[1]).toBeCloseTo(0.00192, 4);
    expect(wilson(2000, 2000)[1]).toBe(1);
  });
});

describe('sweep values', () => {
  it('steps from..to inclusive without float drift', () => {
    expect(sweepValues({ from: 0, to: 1, step: 0.1 })).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(sweepValues({ values: [3, 1] })).toEqual([3, 1]);
    expect(() => sweepValues({ from: 1, to: 0, step: 0.1 })).toThrow(/--to/);
  });
});

describe('the model', () => {
  const yaml = 'name: m\nseed: 1\norders: { count: 1000 }\norder: { items: { min: 1, max: 3 }, quantity: { min: 1, max: 3 } }\ncatalogue: { products: 10, stock: 3000 }\npayment: { successRate: 0.7 }\n';

  it('expects the payment rate when no product can run out', () => {
    expect(expectedConfirmedShare(parseScenario(yaml, 'm.yaml'), 1000)).toBe(0.7);
  });

  it('has no model when stock could run out', () => {
    expect(expectedConfirmedShare(parseScenario(yaml.replace('stock: 3000', 'stock: 2999'), 'm.yaml'), 1000)).toBeUndefined();
  });

  it('stock.demandMultiple sets stock as a multiple of expected demand per product', () => {
    const base = parseScenario(yaml, 'm.yaml');
    expect(expectedDemandPerProduct(base, 1000)).toBe(400); // 1000 orders × 2 items × 2 units / 10 products
    expect(scenarioAt(yaml, 'm.yaml', {}, STOCK_MULTIPLE, 0.5).catalogue.stock).toBe(200);
    expect(scenarioAt(yaml, 'm.yaml', {}, 'payment.successRate', 0.25).payment.successRate).toBe(0.25);
  });
});
