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
  const create = async (bucket: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return void (await kvm.create(bucket, { history: 1, storage: StorageType.File, description: ownerDescription(owner), replicas }));
      } catch (cause) {
        const message = (cause as Error).message;
        // Another instance of the service made it first (its owner description differs): it is there to use.
        if (!fresh && /already in use/i.test(message)) return;
        // A cluster busy placing replicas may time a request out.
        if (attempt < CREATE_ATTEMPTS && /timeout/i.test(message)) continue;
        throw new BrokerUnavailableError(`cannot create the KV state buckets: ${message}`, { cause });
      }
    }
  };
  for (const service of services) await create(names.stateBucket(service));
}

const CREATE_ATTEMPTS = 4;

export async function deleteStateBuckets(nc: NatsConnection, names: RunNames, services: readonly string[]): Promise<void> {
  const jsm = await manager(nc);
  for (const service of services) await deleteStream(jsm, bucketStream(names.stateBucket(service)));
}
