import { z } from 'zod';
import { EVENT_TYPES, type EventType } from './subjects.js';

/** Money is integer cents everywhere, so sums never drift. */
const Cents = z.number().int().nonnegative();
const Id = z.string().min(1).max(200);

export const OrderItemSchema = z.object({
  productId: Id,
  quantity: z.number().int().positive(),
  unitPrice: Cents,
});
export type OrderItem = z.infer<typeof OrderItemSchema>;

export const CancelReasonSchema = z.enum(['payment_failed', 'out_of_stock', 'payment_and_stock']);
export type CancelReason = z.infer<typeof CancelReasonSchema>;

/** Payload schema per event type. */
export const PAYLOAD_SCHEMAS = {
  'order.created.v1': z.object({ customerId: Id, items: z.array(OrderItemSchema).min(1).max(100), amount: Cents }),
  'order.confirmed.v1': z.object({ amount: Cents }),
  'order.cancelled.v1': z.object({ reason: CancelReasonSchema }),
  'order.failed.v1': z.object({ reason: z.string().max(500) }),
  'payment.confirmed.v1': z.object({ transactionId: Id, amount: Cents }),
  'payment.failed.v1': z.object({ reason: z.string().max(500) }),
  'payment.refunded.v1': z.object({ transactionId: Id, amount: Cents }),
  'inventory.reserved.v1': z.object({ items: z.array(OrderItemSchema.pick({ productId: true, quantity: true })).min(1) }),
  'inventory.failed.v1': z.object({ reason: z.string().max(500), productIds: z.array(Id) }),
  'inventory.released.v1': z.object({ items: z.array(OrderItemSchema.pick({ productId: true, quantity: true })).min(1) }),
} satisfies Record<EventType, z.ZodType>;

export type Payload<T extends EventType> = z.infer<(typeof PAYLOAD_SCHEMAS)[T]>;

/** The envelope every event carries. `type` is also the NATS subject. */
export interface Envelope<T extends EventType = EventType> {
  eventId: string;
  type: T;
  version: 1;
  occurredAt: string;
  orderId: string;
  /** eventId of the event (or command) that caused this one; the order id for the first event of a saga. */
  causationId: string;
  payload: Payload<T>;
}

export type SagaEvent = { [T in EventType]: Envelope<T> }[EventType];

export const EnvelopeSchema = z.object({
  eventId: Id,
  type: z.enum(EVENT_TYPES),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  orderId: Id,
  causationId: Id,
  payload: z.unknown(),
});
