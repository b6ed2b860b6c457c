import type { NatsConnection } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import type { Owner } from '../../broker/owner.js';
import { deleteStateBuckets, provisionStateBuckets } from '../../broker/state-buckets.js';
import type { ServiceName } from '../service.js';
import { openKvStore } from './kv-store.js';
import { memoryStore, type RecordStore, type StateStoreKind } from './record-store.js';
import type { StoreHooks } from './write-queue.js';

/** What opening one service's store needs. */
export interface StoreContext {
  nc: NatsConnection;
  names: RunNames;
  service: ServiceName;
  hooks: StoreHooks;
}

/** What a run provisions for the stores on the server, and removes again. */
export interface StoreProvisioning {
  nc: NatsConnection;
  names: RunNames;
  services: readonly ServiceName[];
  owner: Owner;
  /** false: keep what is there (services running as processes of their own). */
  fresh: boolean;
  /** Copies on a cluster. */
  replicas: number;
}

export interface StoreKind {
  /** One line for --help and the docs. */
  readonly help: string;
  open<R>(context: StoreContext): Promise<RecordStore<R>>;
  provision?(p: StoreProvisioning): Promise<void>;
  remove?(p: Omit<StoreProvisioning, 'owner' | 'fresh' | 'replicas'>): Promise<void>;
}

/** Every store, by the kind a scenario names (`state:`, `--state`). */
export const STORES: Record<StateStoreKind, StoreKind> = {
  kv: {
    help: 'JetStream KV, one bucket per service: survives a worker crash',
    open: ({ nc, names, service, hooks }) => openKvStore(nc, names.stateBucket(service), hooks),
    provision: ({ nc, names, services, owner, fresh, replicas }) => provisionStateBuckets(nc, names, services, owner, fresh, replicas),
    remove: ({ nc, names, services }) => deleteStateBuckets(nc, names, services),
  },
  memory: {
    help: 'in the worker only: faster, and lost with it',
    open: async () => memoryStore(),
  },
};
