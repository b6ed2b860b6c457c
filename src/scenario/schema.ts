import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Defaults for every optional scenario key; the README's scenario reference lists the same values. */
export const DEFAULT_SEED = 1;
export const DEFAULT_RATE = 200;
export const DEFAULT_ITEMS = { min: 1, max: 3 } as const;
export const DEFAULT_QUANTITY = { min: 1, max: 3 } as const;
export const DEFAULT_PRICE = { min: 5, max: 200 } as const;
export const DEFAULT_CUSTOMERS = 50;
export const DEFAULT_PRODUCTS = 20;
export const DEFAULT_STOCK = 10_000;
export const DEFAULT_SUCCESS_RATE = 0.9;
export const DEFAULT_DRAIN_TIMEOUT = '30s';

const Duration = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as "500ms", "30s" or "2m", got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });

const Range = (lowest: number, integer: boolean) =>
  z
    .strictObject({
      min: (integer ? z.number().int() : z.number()).min(lowest),
      max: (integer ? z.number().int() : z.number()).min(lowest),
    })
    .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['max'] });

const Product = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  /** Unit price in currency units; drawn from order.price when absent. */
  price: z.number().positive().optional(),
  stock: z.number().int().nonnegative(),
});

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().default(DEFAULT_SEED),
  topology: z.enum(['parallel', 'sequential']).default('parallel'),
  orders: z
    .strictObject({
      /** Total orders to place. */
      count: z.number().int().positive().optional(),
      /** Orders per second. */
      rate: z.number().positive().default(DEFAULT_RATE),
      /** How long to place orders; with count, whichever ends first. */
      duration: Duration.optional(),
    })
    .refine((o) => o.count !== undefined || o.duration !== undefined, {
      message: 'set orders.count, or orders.rate with orders.duration',
    }),
  order: z
    .strictObject({
      items: Range(1, true).default(DEFAULT_ITEMS),
      quantity: Range(1, true).default(DEFAULT_QUANTITY),
      price: Range(0.01, false).default(DEFAULT_PRICE),
      customers: z.number().int().positive().default(DEFAULT_CUSTOMERS),
    })
    .default({ items: DEFAULT_ITEMS, quantity: DEFAULT_QUANTITY, price: DEFAULT_PRICE, customers: DEFAULT_CUSTOMERS }),
  catalogue: z
    .strictObject({
      /** A number of products to generate from the seed, or the products themselves. */
      products: z.union([z.number().int().positive(), z.array(Product).min(1)]).default(DEFAULT_PRODUCTS),
      /** Stock of each generated product. */
      stock: z.number().int().nonnegative().default(DEFAULT_STOCK),
    })
    .default({ products: DEFAULT_PRODUCTS, stock: DEFAULT_STOCK }),
  payment: z
    .strictObject({ successRate: z.number().min(0).max(1).default(DEFAULT_SUCCESS_RATE) })
    .default({ successRate: DEFAULT_SUCCESS_RATE }),
  drainTimeout: Duration.default(parseDuration(DEFAULT_DRAIN_TIMEOUT) ?? 30_000),
});

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = Readonly<z.output<typeof ScenarioSchema>> & { readonly file: string };
