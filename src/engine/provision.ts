import type { NatsConnection } from '@nats-io/transport-node';
import { forwardExhausted } from '../broker/max-deliveries.js';
import { deleteStateBuckets, provisionStateBuckets } from '../broker/state-buckets.js';
import { deleteStreams, ensureStreams, provisionStreams } from '../broker/streams.js';
import type { Scenario } from '../scenario/schema.js';
import { INVENTORY_CONSUMES } from '../services/inventory/logic.js';
import { ORDER_CONSUMES } from '../services/order/logic.js';
import { paymentConsumes } from '../services/payment/logic.js';
import { SERVICE_NAMES } from '../services/service.js';

export interface Provisioning {
  /** The durable consumers of each service (none on core). */
  consumers: Record<string, string[]>;
  /** Undo, in order: what a run on someone else's server must not leave behind. */
  cleanups: (() => Promise<unknown>)[];
}

/**
 * What a run needs on the server: the event and dead-letter streams with the services' consumers
 * and the MAX_DELIVERIES forwarding (JetStream delivery only; core keeps nothing on the server),
 * and the services' KV buckets (KV state). `tidy`: delete them again when the run ends. `fresh`
 * false keeps what is there (services running as processes of their own are bound to it).
 */
export async function provisionRun(nc: NatsConnection, scenario: Scenario, tidy: boolean, warn: (message: string) => void, fresh = true): Promise<Provisioning> {
  const cleanups: (() => Promise<unknown>)[] = [];
  let consumers: Record<string, string[]> = {};
  if (scenario.delivery === 'jetstream') {
    const consumes = { order: ORDER_CONSUMES, payment: paymentConsumes(scenario.topology), inventory: INVENTORY_CONSUMES };
    const plans = SERVICE_NAMES.map((service) => ({ service, consumes: consumes[service] }));
    ({ consumers } = await (fresh ? provisionStreams(nc, plans, scenario.jetstream, warn) : ensureStreams(nc, plans, scenario.jetstream)));
    if (tidy) cleanups.push(() => deleteStreams(nc).catch(() => undefined));
    const forwarding = await forwardExhausted(nc, (error) => warn(error.message));
    cleanups.push(async () => forwarding.unsubscribe());
  }
  if (scenario.state === 'kv') {
    await provisionStateBuckets(nc, SERVICE_NAMES, fresh);
    if (tidy) cleanups.push(() => deleteStateBuckets(nc, SERVICE_NAMES).catch(() => undefined));
  }
  return { consumers, cleanups };
}
