import type { TargetConfig } from '../scenario/target-schema.js';
import type { PlaceOrder } from '../services/order/logic.js';

type Values = Record<string, unknown>;

/**
 * Fills a JSON template: a string that is exactly "{{name}}" becomes the value itself (a number
 * stays a number, the items an array); other strings and values are kept as written.
 */
export function fill(template: unknown, values: Values): unknown {
  if (typeof template === 'string') {
    const name = /^\{\{(\w+)\}\}$/.exec(template)?.[1];
    return name !== undefined && name in values ? values[name] : template;
  }
  if (Array.isArray(template)) return template.map((t) => fill(t, values));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, values)]));
  return template;
}

/** The target's product id for one of the catalogue's: by its number in "prod-{n}", or as it is. */
export function targetProductId(pattern: string | undefined, catalogueId: string, index: number): string {
  return pattern ? pattern.replace('{n}', String(index + 1)) : catalogueId;
}

/** The POST body for one order, by the scenario's templates; prices go out in currency units. */
export function orderBody(config: TargetConfig, order: PlaceOrder, productIndex: ReadonlyMap<string, number>): string {
  const items = order.items.map((item) =>
    fill(config.order.item, {
      productId: targetProductId(config.productId, item.productId, productIndex.get(item.productId) ?? 0),
      quantity: item.quantity,
      unitPrice: item.unitPrice / 100,
      unitPriceCents: item.unitPrice,
    }),
  );
  const total = order.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) / 100;
  return JSON.stringify(fill(config.order.body, { customerId: order.customerId, items, total, orderRef: order.orderId }));
}
