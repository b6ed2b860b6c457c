import { StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../errors.js';
import type { RunNames } from './names.js';
import { ownerDescription, type Owner } from './owner.js';
import { deleteStream, manager } from './streams.js';

/** The stream behind a KV bucket. */
export const bucketStream = (bucket: string) => `KV_${bucket}`;

/**
 * Creates each service's state bucket (one revision per key, on disk, like the event stream):
 * afresh, or, with `fresh` false, keeping one that is there (services running as processes).
 */
export async function provisionStateBuckets(nc: NatsConnection, names: RunNames, services: readonly string[], owner: Owner, fresh = true, replicas = 1): Promise<void> {
  if (fresh) await deleteStateBuckets(nc, names, services);
  const kvm = new Kvm(nc);
  try {
    for (const service of services) await kvm.create(names.stateBucket(service), { history: 1, storage: StorageType.File, description: ownerDescription(owner), replicas });
  } catch (cause) {
    throw new BrokerUnavailableError(`cannot create the KV state buckets: ${(cause as Error).message}`, { cause });
  }
}

export async function deleteStateBuckets(nc: NatsConnection, names: RunNames, services: readonly string[]): Promise<void> {
  const jsm = await manager(nc);
  for (const service of services) await deleteStream(jsm, bucketStream(names.stateBucket(service)));
}
