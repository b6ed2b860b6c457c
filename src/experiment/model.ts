import type { Scenario } from '../scenario/schema.js';

/** Expected units of each product that the generated orders ask for, on average. */
export function expectedDemandPerProduct(scenario: Scenario, orders: number): number {
  const products = typeof scenario.catalogue.products === 'number' ? scenario.catalogue.products : scenario.catalogue.products.length;
  const maxItems = Math.min(scenario.order.items.max, products);
  const minItems = Math.min(scenario.order.items.min, maxItems);
  const items = (minItems + maxItems) / 2;
  const quantity = (scenario.order.quantity.min + scenario.order.quantity.max) / 2;
  return (orders * items * quantity) / products;
}

/**
 * The model's confirmed share: payment success rate × P(stock suffices). P(stock suffices) is
 * only known to be 1, when no product could run out even if every order took the most of it; in
 * any other case the interleaving of reservations and releases decides, and there is no model.
 */
export function expectedConfirmedShare(scenario: Scenario, orders: number, simulatedPayment = true): number | undefined {
  if (scenario.script.length > 0) return undefined;
  const worstCase = orders * scenario.order.quantity.max;
  const stocks =
    typeof scenario.catalogue.products === 'number' ? [scenario.catalogue.stock] : scenario.catalogue.products.map((p) => p.stock);
  if (stocks.some((stock) => stock < worstCase)) return undefined;
  return simulatedPayment ? scenario.payment.successRate : 1;
}
