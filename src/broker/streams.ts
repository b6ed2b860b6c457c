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
export const DEFAULT_ACK_WAIT_MS = 30_000;

export function durableName(service: string): string {
  return `saga-sim-${service}`;
}

export interface ConsumerPlan {
  service: string;
  consumes: readonly EventType[];
}

export interface Provisioned {
  /** True when the server supports filter_subjects (2.10+); otherwise each consumer sees every event. */
  filtered: boolean;
}

/**
 * Creates the event and dead-letter streams afresh (a previous run's leftovers are deleted)
 * and one durable, explicitly acknowledged consumer per service.
 */
export async function provisionStreams(nc: NatsConnection, consumers: readonly ConsumerPlan[]): Promise<Provisioned> {
  const jsm = await manager(nc);
  await deleteStreams(jsm);
  const filtered = atLeast(serverVersion(nc), 2, 10);
  try {
    await jsm.streams.add({
      name: EVENTS_STREAM,
      subjects: [...EVENT_TYPES],
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
    await jsm.streams.add({ name: DEAD_LETTER_STREAM, subjects: [`${DEAD_LETTER_PREFIX}.>`], storage: StorageType.File });
    for (const plan of consumers) {
      await jsm.consumers.add(EVENTS_STREAM, {
        durable_name: durableName(plan.service),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(DEFAULT_ACK_WAIT_MS),
        max_ack_pending: DEFAULT_MAX_ACK_PENDING,
        ...(filtered ? { filter_subjects: [...plan.consumes] } : {}),
      });
    }
  } catch (cause) {
    throw new BrokerUnavailableError(`cannot provision JetStream streams: ${(cause as Error).message}`, { cause });
  }
  return { filtered };
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
