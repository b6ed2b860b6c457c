import type { NatsConnection } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import { ownerDescription, type Owner } from '../../broker/owner.js';
import { deleteStateBuckets, provisionStateBuckets } from '../../broker/state-buckets.js';
import type { ServiceName } from '../service.js';
import type { Topology } from '../outgoing.js';
import { openKvStore } from './kv-store.js';
import type { RelaySend } from './postgres/outbox-relay.js';
import { dropSchemas, openPgStore, provisionSchemas } from './postgres/pg-store.js';
import { DEFAULT_DATABASE_URL, type DatabaseSettings } from './postgres/settings.js';
import { memoryStore, type RecordStore, type StateStoreKind } from './record-store.js';
import type { StoreHooks } from './write-queue.js';

/** Where PostgreSQL state goes when the caller names no server: the local default, with the outbox. */
const DEFAULT_DATABASE: DatabaseSettings = { url: DEFAULT_DATABASE_URL, outbox: true };

/** What opening one service's store needs. */
export interface StoreContext {
  nc: NatsConnection;
  names: RunNames;
  service: ServiceName;
  hooks: StoreHooks & { committed?(): void; published?(): void };
  /** PostgreSQL: where, and whether events go through an outbox. */
  database?: DatabaseSettings;
  topology?: Topology;
  /** The inventory's initial stock, kept beside its records where a store has tables. */
  stock?: Record<string, number>;
  /** How an outbox relay publishes an event. */
  send?: RelaySend;
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
  database?: DatabaseSettings;
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
  postgres: {
    help: 'PostgreSQL, a schema per service with real tables and an outbox: survives a worker crash',
    open: ({ names, service, hooks, database, topology, stock, send }) =>
      openPgStore({ names, service, hooks, database: database ?? DEFAULT_DATABASE, topology: topology ?? 'parallel', stock: service === 'inventory' ? stock : undefined, send }),
    provision: ({ names, services, owner, fresh, database }) =>
      provisionSchemas({ names, services, fresh, owner: ownerDescription(owner), database: database ?? DEFAULT_DATABASE }),
    remove: ({ names, services, database }) => dropSchemas({ names, services, database: database ?? DEFAULT_DATABASE }),
  },
};
