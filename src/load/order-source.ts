import { ScenarioError } from '../errors.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { scriptedOrderId, type Scenario, type ScriptedOrder } from '../scenario/schema.js';
import type { Product } from './catalogue.js';
import { createOrderFactory, orderIdFor } from './order-factory.js';
import { runOrderIdFor } from './order-id.js';
import { globalSeq, WHOLE, type GeneratorPart } from './share.js';

/** Per-order outcome overrides from a scenario's script, handed to the services. */
export interface ScriptOverrides {
  payment: Record<string, 'fail' | 'succeed'>;
  short: string[];
  delayMs: { payment: Record<string, number>; inventory: Record<string, number> };
}

export interface OrderSource {
  /** The seq-th order, from 1. Scripted orders come first. */
  next(seq: number): PlaceOrder;
  /** The id of the seq-th order, without generating it. */
  idOf(seq: number): string;
  /** Ids of the scripted orders, in script order. */
  scriptedIds: string[];
  overrides: ScriptOverrides;
}

/**
 * Scripted orders first, then orders generated from the seed; how many and when is the load
 * plan's business. Checks scripted products against the catalogue.
 */
export function createOrderSource(scenario: Scenario, catalogue: readonly Product[], part: GeneratorPart = WHOLE, runId?: string): OrderSource {
  const generate = createOrderFactory(scenario, catalogue);
  const products = new Map(catalogue.map((p) => [p.id, p]));
  const script = scenario.script;
  // One of several generators places every part.count-th id of the run, from its index on.
  const idFor = runId === undefined ? orderIdFor : (n: number) => runOrderIdFor(runId, n);
  const generatedId = (seq: number) => idFor(globalSeq(seq - script.length, part));
  const scripted = script.map((entry, i) => toPlaceOrder(entry, i, scenario, products, () => generate(i + 1)));
  return {
    next: (seq) => scripted[seq - 1] ?? generate(seq, generatedId(seq)),
    idOf: (seq) => scripted[seq - 1]?.orderId ?? generatedId(seq),
    scriptedIds: scripted.map((o) => o.orderId),
    overrides: overridesOf(script, scripted),
  };
}

function toPlaceOrder(entry: ScriptedOrder, index: number, scenario: Scenario, products: Map<string, Product>, fallback: () => PlaceOrder): PlaceOrder {
  const base = fallback();
  const items = entry.items?.map((item, j) => {
    const product = products.get(item.product);
    if (!product) {
      const known = [...products.keys()].slice(0, 5).join(', ');
      throw new ScenarioError(
        `${scenario.file}: script[${index}].items[${j}].product: unknown product "${item.product}" (catalogue has ${known}${products.size > 5 ? ', ...' : ''})`,
        scenario.file,
        undefined,
        `script.${index}.items.${j}.product`,
      );
    }
    return { productId: product.id, quantity: item.quantity, unitPrice: product.price };
  });
  return { orderId: entry.id ?? scriptedOrderId(index), customerId: entry.customer ?? base.customerId, items: items ?? base.items };
}

function overridesOf(script: readonly ScriptedOrder[], orders: readonly PlaceOrder[]): ScriptOverrides {
  const overrides: ScriptOverrides = { payment: {}, short: [], delayMs: { payment: {}, inventory: {} } };
  script.forEach((entry, i) => {
    const id = (orders[i] as PlaceOrder).orderId;
    if (entry.payment) overrides.payment[id] = entry.payment;
    if (entry.stock === 'short') overrides.short.push(id);
    if (entry.delay?.payment) overrides.delayMs.payment[id] = entry.delay.payment;
    if (entry.delay?.inventory) overrides.delayMs.inventory[id] = entry.delay.inventory;
  });
  return overrides;
}
