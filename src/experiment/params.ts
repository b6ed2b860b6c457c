import { UsageError } from '../errors.js';
import { parseScenario, type ScenarioOverrides } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { expectedDemandPerProduct } from './model.js';

/**
 * Stock as a multiple of expected demand: 1 means each product holds what the orders ask for on
 * average, 0.5 half of it. It sets catalogue.stock.
 */
export const STOCK_MULTIPLE = 'stock.demandMultiple';

/** Parameters named in help and errors; any other numeric scenario key works too. */
export const SUGGESTED_PARAMS = [
  'payment.successRate',
  STOCK_MULTIPLE,
  'orders.rate',
  'order.items.max',
  'order.quantity.max',
  'services.paymentLatencyMs',
  'services.inventoryLatencyMs',
];

export interface SweepSpec {
  param: string;
  values: number[];
}

/** Values from an explicit list, or from..to by step (inclusive, without float drift). */
export function sweepValues(spec: { values?: readonly number[]; from?: number; to?: number; step?: number }): number[] {
  if (spec.values) return [...spec.values];
  const { from = 0, to = 0, step = 1 } = spec;
  if (!(step > 0)) throw new UsageError('--step must be above 0');
  if (to < from) throw new UsageError('--to must not be below --from');
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > 1000) throw new UsageError(`that sweep has ${count} points; 1000 at most`);
  const decimals = Math.max(decimalsOf(from), decimalsOf(step));
  return Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(decimals)));
}

function decimalsOf(n: number): number {
  return (String(n).split('.')[1] ?? '').length;
}

/** The scenario of one sweep point: the file re-validated with the parameter set, so bad values fail like bad files. */
export function scenarioAt(text: string, file: string, base: ScenarioOverrides, param: string, value: number): Scenario {
  if (param === STOCK_MULTIPLE) {
    const scenario = parseScenario(text, file, base);
    const orders = scenario.orders.count ?? 0;
    const stock = Math.round(value * expectedDemandPerProduct(scenario, orders));
    return parseScenario(text, file, { ...base, 'catalogue.stock': stock });
  }
  return parseScenario(text, file, { ...base, [param]: value });
}

/** Checks that the parameter names a number in the scenario (or is a known alias). */
export function checkParam(scenario: Scenario, param: string): void {
  if (param === STOCK_MULTIPLE) return;
  let node: unknown = scenario;
  for (const part of param.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'number') {
    throw new UsageError(`--param ${param}: not a numeric scenario key; try one of ${SUGGESTED_PARAMS.join(', ')}`);
  }
}
