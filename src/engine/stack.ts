/**
 * The stack every command that runs services stands on: a broker (the embedded nats-server, or
 * the user's), what the run needs on it, and the three services. `run`, `bench` and `sweep` add
 * load and verification on top; `up` serves it as it is.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { connectBroker, serverVersion } from '../broker/connection.js';
import { redactUrl } from '../broker/credentials.js';
import type { RunNames } from '../broker/names.js';
import { startEmbeddedCluster } from '../broker/embedded-cluster.js';
import { startEmbeddedServer, type EmbeddedServer } from '../broker/embedded-server.js';
import type { ServiceCrashedError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import type { ServiceHandle } from '../services/handle.js';
import type { WorkerConfig } from '../services/protocol.js';
import { SERVICE_NAMES, type ServiceName } from '../services/service.js';
import { RemoteService } from '../services/remote/remote-handle.js';
import { ServiceWorker } from '../services/worker-handle.js';
import type { Cleanups } from './cleanups.js';
import type { BrokerInfo } from './events.js';
import { provisionRun, type ProvisionOptions } from './provision.js';

export interface Broker {
  url: string;
  nc: NatsConnection;
  info: BrokerInfo;
  /** The server this process started (or was handed), which it may kill and restart. */
  embedded: EmbeddedServer | undefined;
}

export interface BrokerOptions {
  /** Use this server instead of spawning one. */
  natsUrl?: string;
  /** A server the caller started and keeps. */
  server?: EmbeddedServer;
  /** fsync every write (2.10+), so a kill -9 loses nothing acknowledged. */
  syncAlways?: boolean;
  /** Client name of the engine's own connection. */
  name?: string;
  /** Ports an embedded server takes when they are free (up: 4222 and 8222, as in the design). */
  preferPorts?: { client?: number; monitor?: number };
  /** The names the run uses on the server, reported with it. */
  names: RunNames;
  /** Start a local cluster of this many nodes instead of one server. */
  cluster?: number;
}

/** Connects to the user's server, or starts an embedded one (stopped by `cleanups`). */
export async function startBroker(options: BrokerOptions, cleanups: Cleanups): Promise<Broker> {
  let embedded = options.server;
  if (!options.natsUrl && !embedded) {
    const started = options.cluster ? await startEmbeddedCluster(options.cluster) : await startEmbeddedServer({ syncAlways: options.syncAlways ?? false, preferPorts: options.preferPorts });
    cleanups.add(() => started.stop());
    embedded = started;
  }
  const url = embedded?.url ?? (options.natsUrl as string);
  const nc = await connectBroker(url, options.name ?? 'saga-sim-engine');
  cleanups.add(() => nc.close());
  const info: BrokerInfo = { url: redactUrl(url), monitorUrl: embedded?.monitorUrl, storeDir: embedded?.storeDir, embedded: embedded !== undefined, version: serverVersion(nc).join('.'), namespace: options.names.id, subjectPrefix: options.names.subjectPrefix, nodes: embedded && 'nodes' in embedded ? (embedded.nodes as number) : 1, replicas: 0 };
  return { url, nc, info, embedded };
}

/**
 * Provisions the scenario's streams, consumers and buckets in the run's namespace. On a server
 * saga-sim did not start, `tidy` deletes them again at the end. Returns the durable consumers of each service.
 */
export async function provisionStack(broker: Broker, scenario: Scenario, options: Omit<ProvisionOptions, 'shared' | 'replicas'>, cleanups: Cleanups): Promise<Record<string, string[]>> {
  const replicas = scenario.jetstream.replicas ?? (broker.info.nodes > 1 ? 3 : 1);
  broker.info.replicas = scenario.delivery === 'jetstream' || scenario.state === 'kv' ? replicas : 0;
  const provisioned = await provisionRun(broker.nc, scenario, { ...options, shared: !broker.embedded, replicas });
  for (const cleanup of provisioned.cleanups) cleanups.add(cleanup);
  return provisioned.consumers;
}

/** Finds the three services running as processes of their own (`saga-sim service`); they are not this run's to stop. */
export function findServices(nc: NatsConnection, names: RunNames, crashed: (error: ServiceCrashedError) => void, warn: (message: string) => void, cleanups: Cleanups): Map<ServiceName, ServiceHandle> {
  const services = new Map<ServiceName, ServiceHandle>(SERVICE_NAMES.map((name) => [name, new RemoteService(nc, names, name, crashed, warn)]));
  cleanups.add(() => Promise.all([...services.values()].map((s) => s.stop())));
  return services;
}

/**
 * Starts the three services as worker threads, stopped by `cleanups`. `settledIds`: the sagas
 * settled so far, which a service restarted by a crash fault drops once it has loaded.
 */
export function startServices(
  configOf: (service: ServiceName) => WorkerConfig,
  crashed: (error: ServiceCrashedError) => void,
  settledIds: () => string[],
  cleanups: Cleanups,
): Map<ServiceName, ServiceHandle> {
  const services = new Map<ServiceName, ServiceHandle>();
  for (const name of SERVICE_NAMES) services.set(name, new ServiceWorker(configOf(name), crashed, settledIds));
  cleanups.add(() => Promise.all([...services.values()].map((s) => s.stop())));
  return services;
}
