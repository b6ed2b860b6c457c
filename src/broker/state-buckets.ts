import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../errors.js';
import { stateBucket } from './streams.js';

/** The stream behind a KV bucket. */
const bucketStream = (bucket: string) => `KV_${bucket}`;

/**
 * Creates each service's state bucket (one revision per key, on disk, like the event stream):
 * afresh, or, with `fresh` false, keeping one that is there (services running as processes).
 */
export async function provisionStateBuckets(nc: NatsConnection, services: readonly string[], fresh = true): Promise<void> {
  if (fresh) await deleteStateBuckets(nc, services);
  const kvm = new Kvm(nc);
  try {
    for (const service of services) await kvm.create(stateBucket(service), { history: 1, storage: StorageType.File });
  } catch (cause) {
    throw new BrokerUnavailableError(`cannot create the KV state buckets: ${(cause as Error).message}`, { cause });
  }
}

export async function deleteStateBuckets(nc: NatsConnection, services: readonly string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const service of services) {
    try {
      await jsm.streams.delete(bucketStream(stateBucket(service)));
    } catch (cause) {
      if (!/not found/i.test((cause as Error).message)) throw cause;
    }
  }
}
