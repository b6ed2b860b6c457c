import type { Scenario } from '../scenario/schema.js';
import { seededFaker } from './seeded-faker.js';
import { productId } from '../scenario/products.js';

export interface Product {
  id: string;
  name: string;
  /** Unit price in cents. */
  price: number;
  stock: number;
}

/** The scenario's products, or products generated from its seed: the same seed gives the same catalogue. */
export function buildCatalogue(scenario: Scenario): Product[] {
  const faker = seededFaker(scenario.seed);
  const price = () => toCents(faker.number.float({ min: scenario.order.price.min, max: scenario.order.price.max }));
  const { products, stock } = scenario.catalogue;
  if (typeof products !== 'number') {
    return products.map((p) => ({
      id: p.id,
      name: p.name ?? faker.commerce.productName(),
      price: p.price !== undefined ? toCents(p.price) : price(),
      stock: p.stock,
    }));
  }
  return Array.from({ length: products }, (_, i) => ({
    id: productId(i),
    name: faker.commerce.productName(),
    price: price(),
    stock,
  }));
}

export function stockOf(catalogue: readonly Product[]): Record<string, number> {
  return Object.fromEntries(catalogue.map((p) => [p.id, p.stock]));
}

function toCents(amount: number): number {
  return Math.max(1, Math.round(amount * 100));
}
