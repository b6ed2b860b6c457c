import type { NatsConnection } from '@nats-io/transport-node';
import { ReplyMux } from '../broker/reply-mux.js';
import { RunNames } from '../broker/names.js';
import { publishToStream } from '../broker/stream-publish.js';
import type { EventType } from '../events/subjects.js';
import type { InventoryRecord } from './inventory/logic.js';
import type { OrderRecord } from './order/logic.js';
import type { PaymentRecord } from './payment/logic.js';
import { createInventoryService } from './inventory/service.js';
import { createOrderService } from './order/service.js';
import { createPaymentService } from './payment/service.js';
import type { WorkerConfig, WorkerStats } from './protocol.js';
import type { Service } from './service.js';
import type { RecordStore } from './state/record-store.js';
import type { RelaySend } from './state/postgres/outbox-relay.js';
import { STORES } from './state/stores.js';

/**
 * Opens the service's record store (loading what a previous worker stored) and builds the service
 * on it. `committed`: called right after each commit of a database store, before anything is
 * published (the crash-after-commit fault).
 */
export async function createService(config: WorkerConfig, nc: NatsConnection, stats: WorkerStats, committed?: () => void): Promise<Service> {
  // The store is opened first (it loads the records the service derives state from); a conflict
  // it meets later is passed on to the service built on it.
  const built: { service?: Service } = {};
  const hooks = {
    wrote: () => stats.stateWrites++,
    retried: () => stats.stateRetries++,
    conflicted: () => stats.stateConflicts++,
    alone: () => stats.stateWritesAlone++,
    replaced: (_key: string, before: unknown, after: unknown) => built.service?.replaced?.(before, after),
    committed,
    published: () => stats.published++,
  };
  const names = new RunNames(config.namespace);
  const context = { nc, names, service: config.service, hooks, database: config.database, topology: config.topology, stock: config.stock, send: outboxed(config) ? relaySend(nc, names, config.delivery) : undefined };
  const open = <R>(): Promise<RecordStore<R>> => STORES[config.state].open<R>(context);
  // Order and payment records stand alone, so another instance's can be read in; inventory derives its stock from every record it loaded at start.
  const loadable = <S extends Service, R>(service: S, store: RecordStore<R>): S => closable(Object.assign(service, { load: (ids: readonly string[]) => store.fetch?.(ids) ?? Promise.resolve() }), store);
  switch (config.service) {
    case 'order': {
      const store = await open<OrderRecord>();
      const reemit = reemits(config);
      return (built.service = loadable(createOrderService({ topology: config.topology, sagaTimeoutMs: config.sagaTimeoutMs, reemit }, store), store));
    }
    case 'payment': {
      const store = await open<PaymentRecord>();
      return (built.service = loadable(createPaymentService({ ...config.payment, topology: config.topology, forced: config.forcedPayments }, store), store));
    }
    case 'inventory': {
      const store = await open<InventoryRecord>();
      return (built.service = closable(createInventoryService({ stock: config.stock, short: config.shortOrders, share: config.stockShare }, store), store));
    }
  }
}

function closable<S extends Service, R>(service: S, store: RecordStore<R>): S {
  return Object.assign(service, { close: () => store.close?.() ?? Promise.resolve() });
}

/** Whether events go through an outbox table (PostgreSQL state, unless the outbox is off): a relay publishes them, not the shell. */
export function outboxed(config: WorkerConfig): boolean {
  return config.state === 'postgres' && config.database?.outbox !== false;
}

/**
 * Whether a redelivered message, or an order placed again, re-emits what its record stands for.
 * PostgreSQL without the outbox is built as most first implementations are: what was already
 * handled is skipped, so events lost between a commit and their publish stay lost.
 */
export function reemits(config: WorkerConfig): boolean {
  return !(config.state === 'postgres' && config.database?.outbox === false);
}

/** How an outbox relay publishes: a JetStream publish with the event's id as Nats-Msg-Id, or a core publish. */
function relaySend(nc: NatsConnection, names: RunNames, delivery: WorkerConfig['delivery']): RelaySend {
  if (delivery === 'core') {
    return async (type, data) => {
      nc.publish(names.subject(type as EventType), data);
      return true;
    };
  }
  const mux = new ReplyMux(nc);
  return async (type, data, msgID) => !(await publishToStream(mux, names.subject(type as EventType), data, { msgID })).duplicate;
}
