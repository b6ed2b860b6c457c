import type { NatsConnection } from '@nats-io/transport-node';
import { forwardExhausted } from '../broker/max-deliveries.js';
import type { RunNames } from '../broker/names.js';
import { answerLiveness, liveOwners, ownerDescription, type Owner } from '../broker/owner.js';
import { deleteStreams, ensureStreams, provisionStreams } from '../broker/streams.js';
import { BrokerUnavailableError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import { INVENTORY_CONSUMES } from '../services/inventory/logic.js';
import { ORDER_CONSUMES } from '../services/order/logic.js';
import { paymentConsumes } from '../services/payment/logic.js';
import { SERVICE_NAMES } from '../services/service.js';
import type { DatabaseSettings } from '../services/state/postgres/settings.js';
import { STORES } from '../services/state/stores.js';

export interface Provisioning {
  /** The durable consumers of each service (none on core). */
  consumers: Record<string, string[]>;
  /** Undo, in order: what a run on someone else's server must not leave behind. */
  cleanups: (() => Promise<unknown>)[];
}

export interface ProvisionOptions {
  names: RunNames;
  owner: Owner;
  /** Delete what was provisioned when the run ends. */
  tidy: boolean;
  /**
   * true: this run owns its namespace and starts it empty. false: keep what is there (services
   * running as processes of their own are bound to it).
   */
  fresh: boolean;
  /** A server others may use (not one this process started): ask who else is on it first. */
  shared: boolean;
  /** Copies of each stream and bucket (a cluster). */
  replicas: number;
  /** PostgreSQL state: where, and whether to leave its schemas after the run (else dropped, when this run made them fresh). */
  database?: DatabaseSettings & { keep: boolean };
  warn(message: string): void;
}

/**
 * What a run needs on the server: the event and dead-letter streams with the services' consumers
 * and the MAX_DELIVERIES forwarding (JetStream delivery only; core keeps nothing on the server),
 * and what the scenario's state store keeps on the server (KV: a bucket per service), all in the run's namespace. While it lasts, the run
 * answers liveness questions, so others can tell its resources from leftovers.
 */
export async function provisionRun(nc: NatsConnection, scenario: Scenario, o: ProvisionOptions): Promise<Provisioning> {
  const { names } = o;
  if (o.shared && o.fresh) await refuseSharedSubjects(nc, o.names);
  const liveness = answerLiveness(nc, o.owner);
  const cleanups: (() => Promise<unknown>)[] = [async () => liveness.unsubscribe()];
  let consumers: Record<string, string[]> = {};
  if (scenario.delivery === 'jetstream') {
    const consumes = { order: ORDER_CONSUMES, payment: paymentConsumes(scenario.topology), inventory: INVENTORY_CONSUMES };
    const plans = SERVICE_NAMES.map((service) => ({ service, consumes: consumes[service] }));
    const policy = { ...scenario.jetstream, replicas: o.replicas };
    ({ consumers } = await (o.fresh ? provisionStreams(nc, names, plans, policy, o.owner, o.warn) : ensureStreams(nc, names, plans, policy, o.owner)));
    if (o.tidy) cleanups.push(() => deleteStreams(nc, names).catch(() => undefined));
    const forwarding = await forwardExhausted(nc, names, (error) => o.warn(error.message));
    cleanups.push(async () => forwarding.unsubscribe());
  }
  const store = STORES[scenario.state];
  const database = o.database;
  await store.provision?.({ nc, names, services: SERVICE_NAMES, owner: o.owner, fresh: o.fresh, replicas: o.replicas, database });
  const remove = store.remove;
  // A database outlives any nats-server: its schemas go unless kept, even when the server is this run's own.
  const tidy = scenario.state === 'postgres' ? o.fresh && !database?.keep : o.tidy;
  if (tidy && remove) cleanups.push(() => remove({ nc, names, services: SERVICE_NAMES, database }).catch(() => undefined));
  return { consumers, cleanups };
}

/**
 * Two saga-sims on the same event subjects would handle each other's events (core) or meet at
 * the stream (JetStream); one on the same namespace would have its streams deleted. Refused
 * while the other answers, naming it.
 */
async function refuseSharedSubjects(nc: NatsConnection, names: RunNames): Promise<void> {
  const other = (await liveOwners(nc)).find((peer) => peer.subjectPrefix === names.subjectPrefix || peer.namespace === names.id);
  if (!other) return;
  const what = other.namespace === names.id ? `namespace ${names.id || '(design)'}` : `the saga subjects ${names.subject('order.created.v1')}…`;
  throw new BrokerUnavailableError(`${what} on this server belong to a live ${ownerDescription(other)}; give this run its own subjects with --subject-prefix <name>`);
}
