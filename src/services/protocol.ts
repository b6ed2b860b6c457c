import { z } from 'zod';
import { NAMESPACE_PATTERN, SUBJECT_PREFIX_PATTERN } from '../broker/names.js';
import { DistributionSchema } from '../load/distribution.js';
import type { PlaceOrder } from './order/logic.js';
import { SERVICE_NAMES, type ServiceSnapshot } from './service.js';
import { TOPOLOGIES } from './outgoing.js';
import { STATE_STORES } from './state/record-store.js';
import { HEAP_PROFILES } from './heap.js';
import { LOG_FORMATS, LOG_LEVELS } from './host/log.js';

/** What a worker is started with (workerData), validated on arrival. */
export const WorkerConfigSchema = z.strictObject({
  service: z.enum(SERVICE_NAMES),
  natsUrl: z.string().min(1),
  /** Names the streams, consumers, buckets and subjects this service uses (see broker/names.ts). */
  namespace: z.strictObject({ id: z.string().regex(NAMESPACE_PATTERN).or(z.literal('')), subjectPrefix: z.string().regex(SUBJECT_PREFIX_PATTERN).or(z.literal('')) }),
  /** Credentials beyond the URL's (flags and environment of the process that started the worker). */
  auth: z
    .strictObject({
      user: z.string().optional(),
      pass: z.string().optional(),
      token: z.string().optional(),
      credsFile: z.string().optional(),
      nkeyFile: z.string().optional(),
      tls: z.strictObject({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() }).optional(),
      requireTls: z.boolean().optional(),
    })
    .optional(),
  topology: z.enum(TOPOLOGIES as ['parallel', 'sequential']),
  /** jetstream: durable consumers, explicit ack. core: queue-group subscriptions, at most once. */
  delivery: z.enum(['jetstream', 'core']),
  /** double: acks wait for the server's confirmation (ackAck). */
  jetstream: z.strictObject({ acks: z.enum(['double', 'single']) }),
  /** kv: records in a JetStream KV bucket, so a restarted worker resumes; memory: lost with the worker. */
  state: z.enum(STATE_STORES),
  /** PostgreSQL state: the server (may hold a password; never logged) and whether events go through an outbox. */
  database: z.strictObject({ url: z.string().min(1), outbox: z.boolean() }).optional(),
  /** The durable consumers this service reads (JetStream delivery): one, or one per subject before 2.10. */
  consumers: z.array(z.string()),
  payment: z.strictObject({ seed: z.number().int(), successRate: z.number().min(0).max(1), simulated: z.boolean() }),
  stock: z.record(z.string(), z.number().int().nonnegative()),
  /** The inventory: this instance's share of the stock, when several run (saga-sim service inventory --stock-share). */
  stockShare: z.strictObject({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
  /** Per-order overrides from the scenario's script. */
  forcedPayments: z.record(z.string(), z.enum(['fail', 'succeed'])),
  shortOrders: z.array(z.string()),
  /** This service holds its replies for these orders this many ms... */
  delayMs: z.record(z.string(), z.number().nonnegative()),
  /** ...and for every other order a draw from this distribution (services.*LatencyMs, or a latency fault). */
  replyLatency: DistributionSchema,
  /** Share of received messages lost (the drop fault): neither handled nor acknowledged. */
  dropShare: z.number().min(0).max(1),
  /** Share of published events sent a second time under a new message id (the duplicate fault). */
  duplicateShare: z.number().min(0).max(1),
  /** The order service fails sagas not finished this long after they were placed. */
  sagaTimeoutMs: z.number().positive(),
  /** Sagas already settled (a restarted worker): dropped from memory once loaded, later messages about them ignored. */
  settled: z.array(z.string()),
  /** Heap sizing of the worker's isolate (see heap.ts). */
  heap: z.enum(HEAP_PROFILES),
  /** Interval between stats messages. */
  statsIntervalMs: z.number().int().positive(),
  /** The service's log on stderr (silent in runs, whose output is the dashboard or the progress lines). */
  log: z.strictObject({ level: z.enum(LOG_LEVELS), format: z.enum(LOG_FORMATS) }),
});
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

/** Cumulative counters of one worker since it started. */
export interface WorkerStats {
  handled: number;
  published: number;
  ignored: number;
  deadLetters: number;
  publishRetries: number;
  publishFailures: number;
  /** Second copies sent by the duplicate fault. */
  duplicatesSent: number;
  /** Deliveries lost on purpose by the drop fault. */
  dropped: number;
  /** Deliveries the broker marked as redelivered (after a crash, a nak or an ack timeout). */
  redelivered: number;
  /** Acks the server did not confirm (the message will come again and be handled idempotently). */
  ackFailures: number;
  /** KV writes of service state, retries of them, and revision conflicts. */
  stateWrites: number;
  stateRetries: number;
  stateConflicts: number;
  /** Of stateWrites, interim ones stored alone (no next change within the coalescing window: a slow reply, a busy machine). */
  stateWritesAlone: number;
  /** Messages about sagas already settled and dropped, acked unhandled. */
  afterSettle: number;
  /** The thread's event loop since it started, ms busy and idle (performance.eventLoopUtilization). */
  loopBusyMs: number;
  loopIdleMs: number;
  /** The thread's scheduler time since it started, ms: on a core, and ready but waiting for one (Linux; else 0). */
  cpuMs: number;
  runQueueMs: number;
  /** Times the thread was put on a core (its wake-ups, about). */
  cpuRuns: number;
}

export function emptyStats(): WorkerStats {
  return {
    handled: 0,
    published: 0,
    ignored: 0,
    deadLetters: 0,
    publishRetries: 0,
    publishFailures: 0,
    duplicatesSent: 0,
    dropped: 0,
    redelivered: 0,
    ackFailures: 0,
    stateWrites: 0,
    stateRetries: 0,
    stateConflicts: 0,
    stateWritesAlone: 0,
    afterSettle: 0,
    loopBusyMs: 0,
    loopIdleMs: 0,
    cpuMs: 0,
    runQueueMs: 0,
    cpuRuns: 0,
  };
}

/** The exit code of a worker or service process ended by the crash-after-commit fault. */
export const CRASH_AFTER_COMMIT_EXIT = 86;

/** Main thread → worker. */
export type ToWorker =
  | { type: 'place-orders'; orders: PlaceOrder[] }
  /** One order from an API client, answered (`submitted`, same id) once it is stored and its order.created published. */
  | { type: 'submit'; id: number; order: PlaceOrder }
  | { type: 'snapshot' }
  /**
   * These sagas have settled on NATS: report their records (a `settled` reply with the same id),
   * then drop them. A request a crash may have lost is sent again to the next worker, so a reply
   * can come twice: the id tells which request it answers.
   */
  | { type: 'settle'; id: number; orderIds: string[] }
  /** Block the worker's thread this long: an injected stall. */
  | { type: 'stall'; ms: number }
  /** Take no messages for this long, the thread still running: a stalled consumer. */
  | { type: 'pause'; ms: number }
  /** The crash-after-commit fault: end the worker right after its next commit, before it publishes. */
  | { type: 'crash-after-commit' }
  | { type: 'stop' };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'stats'; stats: WorkerStats }
  | { type: 'snapshot'; snapshot: ServiceSnapshot }
  | { type: 'settled'; id: number; snapshot: ServiceSnapshot }
  | { type: 'submitted'; id: number; error?: string }
  | { type: 'fatal'; message: string }
  | { type: 'stopped'; stats: WorkerStats };

/** Compile-time exhaustiveness check for switches over the unions above. */
export function unreachable(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
