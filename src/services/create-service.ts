import type { NatsConnection } from '@nats-io/transport-node';
import { RunNames } from '../broker/names.js';
import type { InventoryRecord } from './inventory/logic.js';
import type { OrderRecord } from './order/logic.js';
import type { PaymentRecord } from './payment/logic.js';
import { createInventoryService } from './inventory/service.js';
import { createOrderService } from './order/service.js';
import { createPaymentService } from './payment/service.js';
import type { WorkerConfig, WorkerStats } from './protocol.js';
import type { Service } from './service.js';
import type { RecordStore } from './state/record-store.js';
import { STORES } from './state/stores.js';

/** Opens the service's record store (loading what a previous worker stored) and builds the service on it. */
export async function createService(config: WorkerConfig, nc: NatsConnection, stats: WorkerStats): Promise<Service> {
  // The store is opened first (it loads the records the service derives state from); a conflict
  // it meets later is passed on to the service built on it.
  const built: { service?: Service } = {};
  const hooks = {
    wrote: () => stats.stateWrites++,
    retried: () => stats.stateRetries++,
    conflicted: () => stats.stateConflicts++,
    replaced: (_key: string, before: unknown, after: unknown) => built.service?.replaced?.(before, after),
  };
  const open = <R>(): Promise<RecordStore<R>> => STORES[config.state].open<R>({ nc, names: new RunNames(config.namespace), service: config.service, hooks });
  // Order and payment records stand alone, so another instance's can be read in; inventory derives its stock from its own.
  const loadable = <S extends Service, R>(service: S, store: RecordStore<R>): S => Object.assign(service, { load: (ids: readonly string[]) => store.fetch?.(ids) ?? Promise.resolve() });
  switch (config.service) {
    case 'order': {
      const store = await open<OrderRecord>();
      return (built.service = loadable(createOrderService({ topology: config.topology, sagaTimeoutMs: config.sagaTimeoutMs }, store), store));
    }
    case 'payment': {
      const store = await open<PaymentRecord>();
      return (built.service = loadable(createPaymentService({ ...config.payment, topology: config.topology, forced: config.forcedPayments }, store), store));
    }
    case 'inventory':
      return (built.service = createInventoryService({ stock: config.stock, short: config.shortOrders }, await open<InventoryRecord>()));
  }
}
