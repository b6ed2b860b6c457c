import { z } from 'zod';
import { EVENT_TYPES } from '../events/subjects.js';
import { parseDuration } from './duration.js';

/** The design's POST /orders body, as a template: "{{name}}" strings become the order's values. */
export const DESIGN_BODY = { customerId: '{{customerId}}', items: '{{items}}' };
export const DESIGN_ITEM = { productId: '{{productId}}', quantity: '{{quantity}}', unitPrice: '{{unitPrice}}' };

const Duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as "500ms" or "5s", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

/** A dotted path into a JSON value: `orderId`, `data.orderId`, `items.0.id`. */
const JsonPath = z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted path such as orderId or data.orderId');
const Subject = z.string().regex(/^[^\s*>]+$/, 'a NATS subject without wildcards or spaces');

/**
 * A saga system saga-sim did not start (`--target`): how orders enter it, and how its events
 * map onto the design's ten. Everything defaults to the design.
 */
export const TargetSchema = z.strictObject({
  /** Base URL of its API (or --target). */
  url: z.string().url().optional(),
  order: z
    .strictObject({
      /** http: POST to url + path. nats: a message on `subject` (a request whose reply carries the id, or with reply false a publish whose body carries "{{orderRef}}"). */
      via: z.enum(['http', 'nats']).default('http'),
      subject: Subject.optional(),
      reply: z.boolean().default(true),
      path: z.string().startsWith('/').default('/orders'),
      /** The body, with "{{customerId}}", "{{items}}", "{{total}}" and "{{orderRef}}" (saga-sim's own id) filled in. */
      body: z.record(z.string(), z.unknown()).default(DESIGN_BODY),
      /** One item, with "{{productId}}", "{{quantity}}", "{{unitPrice}}" (currency units) and "{{unitPriceCents}}". */
      item: z.record(z.string(), z.unknown()).default(DESIGN_ITEM),
      /** Where the response carries the new order's id. */
      orderId: JsonPath.default('orderId'),
      timeout: Duration.default(10_000),
      /** Connections kept open to the target (HTTP keep-alive). */
      connections: z.number().int().positive().max(1024).default(64),
    })
    .default({ via: 'http', reply: true, path: '/orders', body: DESIGN_BODY, item: DESIGN_ITEM, orderId: 'orderId', timeout: 10_000, connections: 64 })
    .refine((o) => o.via === 'http' || o.subject !== undefined, { message: 'order.via nats needs order.subject', path: ['subject'] })
    .refine((o) => o.via === 'http' || o.reply || JSON.stringify(o.body).includes('{{orderRef}}'), {
      message: 'a publish without reply must carry saga-sim\'s order id: put "{{orderRef}}" where the target takes a client-chosen id',
      path: ['body'],
    }),
  /** The target's product ids, by product number: "prod-{n}" gives prod-1, prod-2, …; default the catalogue's. */
  productId: z.string().includes('{n}').optional(),
  events: z
    .strictObject({
      /** Its subject for each of the design's events it publishes; default the design's own. Leave one out if it has none. */
      subjects: z.partialRecord(z.enum(EVENT_TYPES), Subject).optional(),
      /** Where the order id sits in each event's JSON. */
      orderId: JsonPath.default('orderId'),
      /** Where an event's unique id sits, if it has one (duplicate deliveries are then told apart). */
      eventId: JsonPath.optional(),
    })
    .default({ orderId: 'orderId' }),
  /** Compare the API's final status (GET <url><path>) with the terminal event seen on NATS. */
  check: z
    .strictObject({
      path: z.string().startsWith('/').includes('{orderId}').default('/orders/{orderId}'),
      status: JsonPath.default('status'),
      /** The API's word for each outcome. */
      values: z.strictObject({ confirmed: z.string().default('CONFIRMED'), cancelled: z.string().default('CANCELLED'), failed: z.string().default('FAILED') }).default({ confirmed: 'CONFIRMED', cancelled: 'CANCELLED', failed: 'FAILED' }),
      /** Orders checked, spread over the run (each is one GET after its saga ended). */
      sample: z.number().int().positive().max(100_000).default(200),
    })
    .optional(),
  /** The success rate the target's payment is configured with, to judge the confirmed share against (Wilson interval). */
  successRate: z.number().min(0).max(1).optional(),
});
export type TargetConfig = z.output<typeof TargetSchema>;
