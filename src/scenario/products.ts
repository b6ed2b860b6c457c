import type { Scenario } from './schema.js';

/** The id of the catalogue's i-th generated product (from 0): p-001, p-002, … */
export function productId(index: number): string {
  return `p-${String(index + 1).padStart(3, '0')}`;
}

/** Whether the scenario's catalogue has this product, without building it. */
export function hasProduct(catalogue: Scenario['catalogue'], id: string): boolean {
  if (typeof catalogue.products !== 'number') return catalogue.products.some((p) => p.id === id);
  const n = /^p-(\d+)$/.exec(id)?.[1];
  return n !== undefined && Number(n) >= 1 && Number(n) <= catalogue.products && productId(Number(n) - 1) === id;
}

/** A few of the catalogue's ids, for an error that names what there is. */
export function someProducts(catalogue: Scenario['catalogue']): string {
  const ids = typeof catalogue.products === 'number' ? Array.from({ length: Math.min(catalogue.products, 5) }, (_, i) => productId(i)) : catalogue.products.slice(0, 5).map((p) => p.id);
  const total = typeof catalogue.products === 'number' ? catalogue.products : catalogue.products.length;
  return `${ids.join(', ')}${total > 5 ? ', …' : ''}`;
}
