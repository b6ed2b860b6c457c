import { z } from 'zod';
import { EVENT_TYPES } from '../events/subjects.js';
import { parseThreshold } from '../verify/thresholds.js';
import { DISTRIBUTION_HELP, parseDistribution } from '../load/distribution.js';
import { parseDuration } from './duration.js';
import { TargetSchema } from './target-schema.js';
import { STATE_STORES } from '../services/state/record-store.js';

/** Defaults for every optional scenario key; docs/scenarios.md lists the same values. */
export const DEFAULT_SEED = 1;
export const DEFAULT_RATE = 200;
/**
 * Upper bounds that refuse absurd values at once (exit 2) instead of a run that cannot be: ten
 * times the generator's measured ceiling (BENCHMARKS.md, the load generator alone), a billion
 * orders, a million sagas in flight, a burst of a million.
 */
export const LIMITS = { rate: 1_000_000, count: 1_000_000_000, inFlight: 1_000_000, burst: 1_000_000 } as const;
const bounded = (max: number, what: string) => ({ error: `at most ${max.toLocaleString('en-US')} (${what}; see docs/scenarios.md, Limits)` });
export const DEFAULT_ITEMS = { min: 1, max: 3 } as const;
export const DEFAULT_QUANTITY = { min: 1, max: 3 } as const;
export const DEFAULT_PRICE = { min: 5, max: 200 } as const;
export const DEFAULT_CUSTOMERS = 50;
export const DEFAULT_PRODUCTS = 20;
export const DEFAULT_STOCK = 10_000;
export const DEFAULT_SUCCESS_RATE = 0.9;
export const DEFAULT_DRAIN_TIMEOUT = '30s';
export const DEFAULT_SAGA_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_DELIVER = 10;
export const DEFAULT_BACKOFF_MS = [5_000, 10_000, 30_000];

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

const ThresholdExpression = z.string().transform((text, ctx) => {
  try {
    return parseThreshold(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
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

const EventName = z.enum(EVENT_TYPES);
const ServiceName = z.enum(['order', 'payment', 'inventory']);

const LatencyDistribution = z.string().transform((text, ctx) => {
  const d = parseDistribution(text);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: `cannot read ${JSON.stringify(text)}: ${DISTRIBUTION_HELP}` });
    return z.NEVER;
  }
  return d;
});

/** One step of an expected event sequence: an event, or a set of events that may occur in any order. */
const Step = z.union([EventName, z.array(EventName).min(1)]);

const ScriptedOrder = z.strictObject({
  /** Order id; default script-<n>. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "-" or "_"').optional(),
  customer: z.string().min(1).optional(),
  /** Items by catalogue product id; generated from the seed when absent. */
  items: z.array(z.strictObject({ product: z.string().min(1), quantity: z.number().int().positive().default(1) })).min(1).optional(),
  /** Forces the payment decision for this order. */
  payment: z.enum(['fail', 'succeed']).optional(),
  /** short: inventory finds too little stock for this order. */
  stock: z.enum(['short']).optional(),
  /** Holds a service's reply for this order this long. */
  delay: z.strictObject({ payment: Duration.optional(), inventory: Duration.optional() }).optional(),
  expect: z
    .strictObject({
      status: z.enum(['CONFIRMED', 'CANCELLED', 'FAILED']).optional(),
      /** Events that must occur, in this order; a nested list may occur in any order. */
      events: z.array(Step).optional(),
      /** Events that must not occur. */
      notEvents: z.array(EventName).optional(),
    })
    .optional(),
});
export type ScriptedOrder = z.output<typeof ScriptedOrder>;

/** Each fault kind, by the key that names it. */
const FAULTS = {
  /** Block this service's thread (nothing it holds moves, not even its timers). */
  stall: z.strictObject({ stall: ServiceName, at: Duration, for: Duration }),
  /** This share of the events services publish is published a second time under a new message id. */
  duplicate: z.strictObject({ duplicate: z.number().min(0).max(1) }),
  /** SIGKILL the embedded nats-server at `at`, and start it again on the same store after `restartAfter`. */
  broker: z.strictObject({ broker: z.literal('kill'), at: Duration, restartAfter: Duration }),
  /** Terminate this service's worker at `at` (hard, as kill -9), and start a new one after `restartAfter`. */
  crash: z.strictObject({ crash: ServiceName, at: Duration, restartAfter: Duration }),
  /**
   * From `at`, this service's next commit is its last: it dies right after the transaction commits
   * and before it publishes (the dual write), and a new one starts after `restartAfter`. PostgreSQL state only.
   */
  crashAfterCommit: z.strictObject({ crashAfterCommit: ServiceName, at: Duration, restartAfter: Duration }),
  /**
   * This share of the messages services receive is lost: read and then neither handled nor
   * acknowledged. Core delivery loses it for good; JetStream redelivers it after the ack wait.
   */
  drop: z.strictObject({ drop: z.number().min(0).max(1), service: ServiceName.optional() }),
  /** Every reply of a service is held for a draw from this distribution. */
  latency: z.strictObject({ latency: z.strictObject({ service: ServiceName, distribution: LatencyDistribution }) }),
  /** A stalled consumer: the service stops taking messages from `at` for `for` (its thread keeps running). */
  slow: z.strictObject({ slow: ServiceName, at: Duration.default(0), for: Duration }),
} as const;
type FaultKind = keyof typeof FAULTS;
export type Fault = z.output<(typeof FAULTS)[FaultKind]>;

/**
 * A fault is read by the key that names its kind, so an error points into that kind's keys
 * rather than saying that no kind matched.
 */
const Fault = z.unknown().transform((value, ctx): Fault => {
  const kind = value && typeof value === 'object' ? (Object.keys(FAULTS) as FaultKind[]).find((k) => k in value) : undefined;
  if (!kind) {
    ctx.addIssue({ code: 'custom', message: `a fault needs one of the keys ${Object.keys(FAULTS).join(', ')}` });
    return z.NEVER;
  }
  const parsed = FAULTS[kind].safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().default(DEFAULT_SEED),
  topology: z.enum(['parallel', 'sequential']).default('parallel'),
  /** jetstream: durable, explicit ack, de-duplicated. core: queue groups, at most once. */
  delivery: z.enum(['jetstream', 'core']).default('jetstream'),
  /** How JetStream delivers to the services (ignored with core delivery). */
  jetstream: z
    .strictObject({
      /** double: the server confirms every ack (ackAck); single: acks are fire-and-forget (faster). */
      acks: z.enum(['double', 'single']).default('double'),
      /** Deliveries of one message before it is given up and dead-lettered. */
      maxDeliver: z.number().int().min(1).default(DEFAULT_MAX_DELIVER),
      /** Waits for an ack before each redelivery; the last repeats. The first is the ack wait. */
      backoff: z.array(Duration).min(1).default(DEFAULT_BACKOFF_MS),
      /** Copies of each stream and KV bucket (a cluster); unset: 1, or 3 on an embedded cluster. */
      replicas: z.number().int().min(1).max(5).optional(),
    })
    .default({ acks: 'double', maxDeliver: DEFAULT_MAX_DELIVER, backoff: DEFAULT_BACKOFF_MS }),
  /** Where services keep their records: kv (JetStream KV, survives a worker crash) or memory (faster, lost with the worker). */
  state: z.enum(STATE_STORES).default('kv'),
  /** PostgreSQL state (the server is --database-url or DATABASE_URL, never the scenario: it may hold a password). */
  postgres: z
    .strictObject({
      /** true: events are committed to an outbox table with the state and published by a relay. false: published after the commit. */
      outbox: z.boolean().default(true),
    })
    .default({ outbox: true }),
  orders: z
    .strictObject({
      /** Generated orders to place (0: only the script's). */
      count: z.number().int().nonnegative().max(LIMITS.count, bounded(LIMITS.count, 'orders')).optional(),
      /** Orders per second. */
      rate: z.number().positive().max(LIMITS.rate, bounded(LIMITS.rate, 'orders per second')).default(DEFAULT_RATE),
      /** How long to place orders; with count, whichever ends first. */
      duration: Duration.optional(),
      /**
       * Open loop only: an arrival finding this many sagas in flight is dropped, not sent (k6's
       * dropped iterations). Without it the open loop never drops: it sends late, and says so.
       */
      maxInFlight: z.number().int().positive().max(LIMITS.inFlight, bounded(LIMITS.inFlight, 'sagas in flight')).optional(),
    })
    .default({ rate: DEFAULT_RATE }),
  /** How orders arrive; default: constant at orders.rate. */
  load: z
    .discriminatedUnion('model', [
      z.strictObject({ model: z.literal('constant') }),
      /** Exponential gaps with mean 1/orders.rate. */
      z.strictObject({ model: z.literal('poisson') }),
      /** k6 ramping-arrival-rate: linear from startRate to each stage's target in turn. */
      z.strictObject({
        model: z.literal('ramping'),
        startRate: z.number().nonnegative().max(LIMITS.rate, bounded(LIMITS.rate, 'orders per second')).default(0),
        stages: z.array(z.strictObject({ duration: Duration, target: z.number().nonnegative().max(LIMITS.rate, bounded(LIMITS.rate, 'orders per second')) })).min(1),
      }),
      /** `size` orders at once, every `every`. */
      z.strictObject({ model: z.literal('burst'), size: z.number().int().positive().max(LIMITS.burst, bounded(LIMITS.burst, 'orders per burst')), every: Duration }),
      /** `concurrency` sagas in flight; a new order when one ends, after `thinkTime`. */
      z.strictObject({ model: z.literal('closed'), concurrency: z.number().int().positive().max(LIMITS.inFlight, bounded(LIMITS.inFlight, 'sagas in flight')), thinkTime: Duration.default(0) }),
    ])
    .default({ model: 'constant' }),
  /** Explicit orders, placed before any generated ones. */
  script: z.array(ScriptedOrder).default([]),
  /** Pass/fail conditions over report metrics, e.g. "latency.p99 < 50ms". */
  thresholds: z.array(ThresholdExpression).default([]),
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
  /** A saga not finished this long after its order was placed ends FAILED (order.failed.v1) and is compensated. */
  saga: z.strictObject({ timeout: Duration.default(DEFAULT_SAGA_TIMEOUT_MS) }).default({ timeout: DEFAULT_SAGA_TIMEOUT_MS }),
  /** Added latency of every reply, per service, in ms (sweepable). */
  services: z
    .strictObject({
      paymentLatencyMs: z.number().nonnegative().default(0),
      inventoryLatencyMs: z.number().nonnegative().default(0),
    })
    .default({ paymentLatencyMs: 0, inventoryLatencyMs: 0 }),
  /** Faults injected during the run, at times from the first order. */
  faults: z
    .array(Fault)
    .default([]),
  /** A saga system of the user's to load and check instead of saga-sim's own services (`--target`). */
  target: TargetSchema.optional(),
  /** A parameter sweep for `saga-sim sweep` (flags override it). */
  sweep: z
    .strictObject({
      param: z.string().min(1),
      values: z.array(z.number()).min(1).optional(),
      from: z.number().optional(),
      to: z.number().optional(),
      step: z.number().positive().optional(),
    })
    .refine((s) => s.values !== undefined || (s.from !== undefined && s.to !== undefined && s.step !== undefined), {
      message: 'give values, or from, to and step',
    })
    .optional(),
})
  .superRefine((s, ctx) => {
    if (s.orders.count === undefined && s.orders.duration === undefined && s.script.length === 0 && s.load.model !== 'ramping') {
      ctx.addIssue({ code: 'custom', path: ['orders'], message: 'set orders.count, or orders.rate with orders.duration, or a script' });
    }
    if (s.orders.maxInFlight !== undefined && s.load.model === 'closed') {
      ctx.addIssue({ code: 'custom', path: ['orders', 'maxInFlight'], message: 'applies to the open-loop models; a closed loop caps sagas in flight with load.concurrency' });
    }
    const seen = new Set<string>();
    s.script.forEach((order, i) => {
      const id = order.id ?? scriptedOrderId(i);
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['script', i, 'id'], message: `duplicate order id "${id}"` });
      seen.add(id);
    });
  });

/** Id of the i-th scripted order (from 0) when the script gives none. */
export function scriptedOrderId(index: number): string {
  return `script-${index + 1}`;
}

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = Readonly<z.output<typeof ScenarioSchema>> & { readonly file: string };
