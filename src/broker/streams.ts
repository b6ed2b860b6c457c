import { AckPolicy, DeliverPolicy, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../errors.js';
import { DEAD_LETTER_PREFIX, EVENT_TYPES, type EventType } from '../events/subjects.js';
import { atLeast, } from './find-binary.js';
import { serverVersion } from './connection.js';

export const EVENTS_STREAM = 'SAGA_SIM_EVENTS';
export const DEAD_LETTER_STREAM = 'SAGA_SIM_DEADLETTER';
/** Window in which a repeated Nats-Msg-Id is dropped by the server. */
export const DUPLICATE_WINDOW_MS = 120_000;
/** Unacknowledged deliveries a service may hold; bounds its memory and the redelivery burst after a crash. */
export const DEFAULT_MAX_ACK_PENDING = 4096;

/** Redelivery policy of the service consumers. */
export interface RedeliveryPolicy {
  maxDeliver: number;
  /** ms; the first is the ack wait. */
  backoff: readonly number[];
}

/** The KV bucket holding a service's records (orders, payments, reservations). */
export function stateBucket(service: string): string {
  return `saga-sim-state-${service}`;
}

/**
 * A service's durable consumer: one per service where the server filters on several subjects (2.10+),
 * else one per subject it handles (`saga-sim-payment--order_created_v1`).
 */
export function durableName(service: string, subject?: string): string {
  return subject ? `saga-sim-${service}--${subject.replaceAll('.', '_')}` : `saga-sim-${service}`;
}

/** The service a durable consumer (named by durableName) belongs to. */
export function serviceOfConsumer(consumer: string): string {
  return consumer.replace(/^saga-sim-/, '').replace(/--.*$/, '');
}

export interface ConsumerPlan {
  service: string;
  consumes: readonly EventType[];
}

export interface Provisioned {
  /** The durable consumers of each service. */
  consumers: Record<string, string[]>;
}

/** The events and dead-letter streams, and each service's durable consumers, as saga-sim creates them. */
function streamPlan(nc: NatsConnection, plans: readonly ConsumerPlan[], policy: RedeliveryPolicy) {
  const multiFilter = atLeast(serverVersion(nc), 2, 10);
  const streams = [
    { name: EVENTS_STREAM, subjects: [...EVENT_TYPES], storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS) },
    { name: DEAD_LETTER_STREAM, subjects: [`${DEAD_LETTER_PREFIX}.>`], storage: StorageType.File },
  ];
  const consumers: Record<string, string[]> = {};
  const configs = plans.flatMap((plan) => {
    const filters = multiFilter
      ? [{ durable_name: durableName(plan.service), filter_subjects: [...plan.consumes] }]
      : plan.consumes.map((subject) => ({ durable_name: durableName(plan.service, subject), filter_subject: subject }));
    consumers[plan.service] = filters.map((f) => f.durable_name);
    return filters.map((filter) => ({
      ...filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(policy.backoff[0] ?? 30_000),
      max_deliver: policy.maxDeliver,
      // The server wants fewer backoff steps than deliveries; one wait needs no list.
      ...(policy.maxDeliver > 1 && policy.backoff.length > 1 ? { backoff: policy.backoff.slice(0, policy.maxDeliver - 1).map(nanos) } : {}),
      // Per service, whatever the number of consumers.
      max_ack_pending: Math.ceil(DEFAULT_MAX_ACK_PENDING / filters.length),
    }));
  });
  return { streams, configs, consumers };
}

/**
 * Creates the streams and consumers afresh: whatever a previous run left is deleted first, so a
 * run starts from an empty stream. `warn` is told what was deleted, so it is never silent.
 */
export async function provisionStreams(nc: NatsConnection, plans: readonly ConsumerPlan[], policy: RedeliveryPolicy, warn: (message: string) => void = () => undefined): Promise<Provisioned> {
  const jsm = await manager(nc);
  const left = await jsm.streams.info(EVENTS_STREAM).catch(() => undefined);
  if (left) {
    warn(`deleted the ${EVENTS_STREAM} stream already on the server (${left.state.messages.toLocaleString('en-US')} messages, left by an earlier run or in use by another); runs on one server share these names until run namespaces exist`);
  }
  await deleteStreams(jsm);
  const { streams, configs, consumers } = streamPlan(nc, plans, policy);
  try {
    for (const stream of streams) await jsm.streams.add(stream);
    for (const config of configs) await jsm.consumers.add(EVENTS_STREAM, config);
  } catch (cause) {
    throw new BrokerUnavailableError(`cannot provision JetStream streams: ${(cause as Error).message}`, { cause });
  }
  return { consumers };
}

/**
 * Creates what is missing and keeps what is there: for services that run as processes of their
 * own (`saga-sim service`), each of which may start first, and for runs that drive them.
 */
export async function ensureStreams(nc: NatsConnection, plans: readonly ConsumerPlan[], policy: RedeliveryPolicy): Promise<Provisioned> {
  const jsm = await manager(nc);
  const { streams, configs, consumers } = streamPlan(nc, plans, policy);
  const missing = (error: unknown) => /not found/i.test((error as Error).message);
  try {
    for (const stream of streams) await jsm.streams.info(stream.name).catch((e) => (missing(e) ? jsm.streams.add(stream) : Promise.reject(e)));
    for (const config of configs) await jsm.consumers.info(EVENTS_STREAM, config.durable_name).catch((e) => (missing(e) ? jsm.consumers.add(EVENTS_STREAM, config) : Promise.reject(e)));
  } catch (cause) {
    throw new BrokerUnavailableError(`cannot provision JetStream streams: ${(cause as Error).message}`, { cause });
  }
  return { consumers };
}

export async function deleteStreams(jsmOrNc: JetStreamManager | NatsConnection): Promise<void> {
  const jsm = 'streams' in jsmOrNc ? jsmOrNc : await manager(jsmOrNc);
  for (const name of [EVENTS_STREAM, DEAD_LETTER_STREAM]) {
    try {
      await jsm.streams.delete(name);
    } catch (cause) {
      if (!/not found/i.test((cause as Error).message)) throw cause;
    }
  }
}

async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (cause) {
    throw new BrokerUnavailableError(
      `JetStream is not enabled on the server (${(cause as Error).message}); start nats-server with -js`,
      { cause },
    );
  }
}
