import type { PlaceOrder } from '../services/order/logic.js';
import type { Scenario } from '../scenario/schema.js';
import type { Product } from './catalogue.js';
import { orderIdFor } from './order-id.js';
import { seededFaker } from './seeded-faker.js';

export { orderIdFor } from './order-id.js';

/**
 * Orders from the scenario's seed: the n-th order of two runs with the same seed is identical.
 * Items are distinct products, 1..N of them, each with a quantity from the scenario's range.
 */
export function createOrderFactory(scenario: Scenario, catalogue: readonly Product[]): (seq: number, orderId?: string) => PlaceOrder {
  // Offset the seed so orders do not replay the draws that built the catalogue.
  const faker = seededFaker(scenario.seed + 0x5a6a);
  const customers = Array.from({ length: scenario.order.customers }, (_, i) => `cust-${String(i + 1).padStart(4, '0')}`);
  const { items, quantity } = scenario.order;
  const maxItems = Math.min(items.max, catalogue.length);
  return (seq, orderId = orderIdFor(seq)) => {
    const count = faker.number.int({ min: Math.min(items.min, maxItems), max: maxItems });
    const products = faker.helpers.arrayElements(catalogue, count);
    return {
      orderId,
      customerId: faker.helpers.arrayElement(customers),
      items: products.map((p) => ({
        productId: p.id,
        quantity: faker.number.int({ min: quantity.min, max: quantity.max }),
        unitPrice: p.price,
      })),
    };
  };
}
