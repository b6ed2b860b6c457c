import { loadScenarioFile, parseScenario, type ScenarioOverrides } from './load.js';
import type { Scenario } from './schema.js';

/** Where errors in the built-in defaults would point. */
export const UP_DEFAULTS_NAME = '(saga-sim up defaults)';
export const UP_PRODUCTS = 100;

/**
 * What `saga-sim up` serves without a scenario: the design's defaults, 90% of payments succeed
 * and stock is ample, with products prod-1 … prod-100 for the API's clients to order.
 */
export function upDefaultsText(): string {
  const products = Array.from({ length: UP_PRODUCTS }, (_, i) => `    - { id: prod-${i + 1}, stock: 1000000 }`).join('\n');
  return [
    'name: up',
    'description: the design defaults, payment success rate 0.9, ample stock',
    'seed: 1',
    'topology: parallel',
    'orders: { count: 1, rate: 1 }',
    'payment: { successRate: 0.9 }',
    'catalogue:',
    '  products:',
    products,
    '',
  ].join('\n');
}

/** The scenario a served system (up, service) runs: the file's, or the design's defaults. */
export function loadServedScenario(file: string | undefined, overrides: ScenarioOverrides): Promise<Scenario> {
  return file ? loadScenarioFile(file, overrides) : Promise.resolve(parseScenario(upDefaultsText(), UP_DEFAULTS_NAME, overrides));
}
