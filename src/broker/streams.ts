import { AckPolicy, DeliverPolicy, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../errors.js';
import type { EventType } from '../events/subjects.js';
import { atLeast } from './find-binary.js';
import { namespaceOfStream, type RunNames } from './names.js';
import { liveOwners, ownerDescription, type Owner } from './owner.js';
import { serverVersion } from './connection.js';

/** Window in which a repeated Nats-Msg-Id is dropped by the server. */
export const DUPLICATE_WINDOW_MS = 120_000;
/** Unacknowledged deliveries a service may hold; bounds its memory and the redelivery burst after a crash. */
export const DEFAULT_MAX_ACK_PENDING = 4096;

/** Redelivery policy of the service consumers. */
export interface RedeliveryPolicy {
  maxDeliver: number;
  /** ms; the first is the ack wait. */
  backoff: readonly number[];
  /** Copies of each stream on a cluster (default 1). */
  replicas?: number;
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
function streamPlan(nc: NatsConnection, names: RunNames, plans: readonly ConsumerPlan[], policy: RedeliveryPolicy, owner: Owner) {
  const multiFilter = atLeast(serverVersion(nc), 2, 10);
  const description = ownerDescription(owner);
  const streams = [
    { name: names.eventsStream, subjects: names.eventSubjects, storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS), description, num_replicas: policy.replicas ?? 1 },
    { name: names.deadLetterStream, subjects: [`${names.deadLetterRoot}.>`], storage: StorageType.File, description, num_replicas: policy.replicas ?? 1 },
  ];
  const consumers: Record<string, string[]> = {};
  const configs = plans.flatMap((plan) => {
    const filters = multiFilter
      ? [{ durable_name: names.durable(plan.service), filter_subjects: plan.consumes.map((type) => names.subject(type)) }]
      : plan.consumes.map((type) => ({ durable_name: names.durable(plan.service, type), filter_subject: names.subject(type) }));
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
 * Creates the namespace's streams and consumers afresh: what an earlier owner of the same namespace
 * left is deleted first (`warn` is told, so it is never silent). Streams of other namespaces are
 * never touched; one that already takes the saga subjects is named in the error.
 */
export async function provisionStreams(nc: NatsConnection, names: RunNames, plans: readonly ConsumerPlan[], policy: RedeliveryPolicy, owner: Owner, warn: (message: string) => void = () => undefined): Promise<Provisioned> {
  const jsm = await manager(nc);
  const left = await jsm.streams.info(names.eventsStream).catch(() => undefined);
  if (left) warn(`deleted the ${names.eventsStream} stream already on the server (${left.state.messages.toLocaleString('en-US')} messages, left by ${left.config.description ?? 'an earlier run'})`);
  await deleteStreams(jsm, names);
  const { streams, configs, consumers } = streamPlan(nc, names, plans, policy, owner);
  try {
    for (const stream of streams) await jsm.streams.add(stream);
    for (const config of configs) await jsm.consumers.add(names.eventsStream, config);
  } catch (cause) {
    throw await provisionError(nc, jsm, names, cause as Error);
  }
  return { consumers };
}

/** Times a timed-out ensure is tried in all (each request waits the client's 5 s). */
const ENSURE_ATTEMPTS = 4;

/**
 * Creates what is missing and keeps what is there: for services that run as processes of their
 * own (`saga-sim service`), each of which may start first, and for runs that drive them.
 */
export async function ensureStreams(nc: NatsConnection, names: RunNames, plans: readonly ConsumerPlan[], policy: RedeliveryPolicy, owner: Owner): Promise<Provisioned> {
  const jsm = await manager(nc);
  const { streams, configs, consumers } = streamPlan(nc, names, plans, policy, owner);
  const missing = (error: unknown) => /not found/i.test((error as Error).message);
  // Services started together race to create them: the one that loses finds them made (its owner
  // description differs, so the server calls it "a different configuration").
  const raced = (error: unknown) => /already (in use|exists)/i.test((error as Error).message);
  const made = <T>(add: () => Promise<T>, info: () => Promise<unknown>) => add().catch((e) => (raced(e) ? info() : Promise.reject(e)));
  const ensure = async () => {
    for (const stream of streams) {
      const info = () => jsm.streams.info(stream.name);
      await info().catch((e) => (missing(e) ? made(() => jsm.streams.add(stream), info) : Promise.reject(e)));
    }
    for (const config of configs) {
      const info = () => jsm.consumers.info(names.eventsStream, config.durable_name as string);
      await info().catch((e) => (missing(e) ? made(() => jsm.consumers.add(names.eventsStream, config), info) : Promise.reject(e)));
    }
  };
  // A cluster busy placing replicas (several services starting at once) may time a request out: it is tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensure();
      return { consumers };
    } catch (cause) {
      if (attempt < ENSURE_ATTEMPTS && /timeout/i.test((cause as Error).message)) continue;
      throw await provisionError(nc, jsm, names, cause as Error);
    }
  }
}

/** A subject belongs to one stream: when another took the saga subjects, say which, whose, and the way out. */
async function provisionError(nc: NatsConnection, jsm: JetStreamManager, names: RunNames, cause: Error): Promise<BrokerUnavailableError> {
  if (!/overlap/i.test(cause.message)) return new BrokerUnavailableError(`cannot provision JetStream streams: ${cause.message}`, { cause });
  const holder = await jsm.streams.find(names.eventSubjects[0] as string).catch(() => undefined);
  const info = holder ? await jsm.streams.info(holder).catch(() => undefined) : undefined;
  const namespace = holder === undefined ? undefined : namespaceOfStream(holder);
  const live = namespace !== undefined && (await liveOwners(nc)).some((o) => o.namespace === namespace);
  const state = namespace === undefined ? 'not saga-sim\'s' : live ? 'still running' : 'no longer answering';
  const whose = ` (${info?.config.description ? `${info.config.description}, ` : ''}${state})`;
  return new BrokerUnavailableError(
    `the saga subjects ${names.subject('order.created.v1')}… are already stored by stream ${holder ?? '(unknown)'}${whose}; give this run its own subjects with --subject-prefix <name>, or remove leftovers with saga-sim clean --nats-url <url>`,
    { cause },
  );
}

export async function deleteStreams(jsmOrNc: JetStreamManager | NatsConnection, names: RunNames): Promise<void> {
  const jsm = 'streams' in jsmOrNc ? jsmOrNc : await manager(jsmOrNc);
  for (const name of [names.eventsStream, names.deadLetterStream]) await deleteStream(jsm, name);
}

/** Deletes one stream; one already gone is fine. */
export async function deleteStream(jsm: JetStreamManager, name: string): Promise<void> {
  try {
    await jsm.streams.delete(name);
  } catch (cause) {
    if (!/not found/i.test((cause as Error).message)) throw cause;
  }
}

export async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc);
  } catch (cause) {
    throw new BrokerUnavailableError(
      `JetStream is not enabled on the server (${(cause as Error).message}); start nats-server with -js`,
      { cause },
    );
  }
}
