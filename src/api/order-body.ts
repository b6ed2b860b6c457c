import { z } from 'zod';
import type { PlaceOrder } from '../services/order/logic.js';

/** Decimal money as the design's clients send it (19.99): at most two decimals, mapped to integer cents inside. */
const Price = z
  .number({ error: 'expected a number, e.g. 19.99' })
  .positive({ error: 'must be above 0' })
  .max(1_000_000, { error: 'must be at most 1000000' })
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, { error: 'at most two decimals (cents)' });

const Id = (what: string) => z.string({ error: `expected a string, the ${what}` }).trim().min(1, { error: 'must not be empty' }).max(200, { error: 'at most 200 characters' });

export const MAX_ITEMS = 100;

/** POST /orders, as in the design: `{ customerId, items: [{ productId, quantity, unitPrice }] }`. Other fields are ignored. */
export const CreateOrderSchema = z.object(
  {
    customerId: Id('customer'),
    items: z
      .array(
        z.object(
          {
            productId: Id('product'),
            quantity: z.number({ error: 'expected a whole number above 0' }).int({ error: 'expected a whole number' }).positive({ error: 'must be above 0' }).max(1_000_000, { error: 'at most 1000000' }),
            unitPrice: Price,
          },
          { error: 'expected an object { productId, quantity, unitPrice }' },
        ),
        { error: 'expected an array of items' },
      )
      .min(1, { error: 'at least one item' })
      .max(MAX_ITEMS, { error: `at most ${MAX_ITEMS} items` }),
  },
  { error: 'expected a JSON object { customerId, items }' },
);
export type CreateOrder = z.infer<typeof CreateOrderSchema>;

export interface FieldError {
  field: string;
  message: string;
}

/** The body as an order to place, or every field that is wrong. */
export function parseCreateOrder(body: unknown): { order: CreateOrder } | { errors: FieldError[] } {
  const result = CreateOrderSchema.safeParse(body);
  if (result.success) return { order: result.data };
  return { errors: result.error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message })) };
}

function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function toPlaceOrder(orderId: string, order: CreateOrder): PlaceOrder {
  return {
    orderId,
    customerId: order.customerId,
    items: order.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPrice: toCents(i.unitPrice) })),
  };
}

/** Cents back to the design's decimal amounts. */
export function toAmount(cents: number): number {
  return cents / 100;
}
