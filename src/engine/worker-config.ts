import { currentAuth } from '../broker/connection.js';
import type { RunNames } from '../broker/names.js';
import type { OrderSource } from '../load/order-source.js';
import type { Scenario } from '../scenario/schema.js';
import type { HeapProfile } from '../services/heap.js';
import type { WorkerConfig } from '../services/protocol.js';
import type { ServiceName } from '../services/service.js';
import { wholeRunFaults } from './faults.js';

export interface ServiceSetup {
  scenario: Scenario;
  natsUrl: string;
  names: RunNames;
  /** The durable consumers of each service (none on core). */
  consumers: Record<string, string[]>;
  stock: Record<string, number>;
  /** The scenario's per-order overrides (forced payments, short stock, held replies). */
  overrides: OrderSource['overrides'];
  simulatedPayment: boolean;
  heap: HeapProfile;
  /** The services' logs on stderr; default silent (a run's output is its dashboard or progress lines). */
  log?: WorkerConfig['log'];
  database?: WorkerConfig['database'];
  stockShare?: WorkerConfig['stockShare'];
}

/** What one service is started with, from the scenario: its logic's settings and the whole-run faults it carries. */
export function workerConfig(service: ServiceName, s: ServiceSetup): WorkerConfig {
  const { scenario, overrides: o } = s;
  const faults = wholeRunFaults(scenario.faults);
  return {
    service,
    natsUrl: s.natsUrl,
    namespace: s.names.namespace,
    auth: currentAuth(),
    topology: scenario.topology,
    delivery: scenario.delivery,
    state: scenario.state,
    ...(scenario.state === 'postgres' && s.database ? { database: s.database } : {}),
    jetstream: { acks: scenario.jetstream.acks },
    consumers: s.consumers[service] ?? [],
    payment: { seed: scenario.seed, successRate: scenario.payment.successRate, simulated: s.simulatedPayment },
    stock: s.stock,
    ...(service === 'inventory' && s.stockShare && s.stockShare.count > 1 ? { stockShare: s.stockShare } : {}),
    settled: [],
    forcedPayments: o.payment,
    shortOrders: o.short,
    delayMs: service === 'payment' ? o.delayMs.payment : service === 'inventory' ? o.delayMs.inventory : {},
    replyLatency: faults.latency[service] ?? {
      kind: 'constant',
      ms: service === 'payment' ? scenario.services.paymentLatencyMs : service === 'inventory' ? scenario.services.inventoryLatencyMs : 0,
    },
    dropShare: faults.drop[service] ?? 0,
    sagaTimeoutMs: scenario.saga.timeout,
    duplicateShare: faults.duplicate,
    heap: s.heap,
    statsIntervalMs: 250,
    log: s.log ?? { level: 'silent', format: 'text' },
  };
}
