import type { DatabaseSettings } from '../services/state/postgres/settings.js';
import type { OrderView } from '../api/order-view.js';
import { connectionStateOf } from '../broker/connection.js';
import { DESIGN_NAMESPACE, RunNames, type Namespace } from '../broker/names.js';
import { currentOwner } from '../broker/owner.js';
import type { ServiceCrashedError } from '../errors.js';
import { buildCatalogue, stockOf } from '../load/catalogue.js';
import { createOrderSource } from '../load/order-source.js';
import type { SagaMetrics } from '../metrics/prometheus.js';
import type { Scenario } from '../scenario/schema.js';
import type { ServiceHandle } from '../services/handle.js';
import { applyHeapProfile, type HeapProfile } from '../services/heap.js';
import type { PlaceOrder } from '../services/order/logic.js';
import type { WorkerConfig } from '../services/protocol.js';
import type { ServiceName } from '../services/service.js';
import { Cleanups } from './cleanups.js';
import { now } from './clock.js';
import type { BrokerInfo, ConnectionState } from './events.js';
import { StreamObserver } from './observer.js';
import { Settlement, SETTLE_GRACE_MS } from './settlement.js';
import { provisionStack, startBroker, startServices } from './stack.js';
import { workerConfig } from './worker-config.js';

export interface ServeOptions {
  scenario: Scenario;
  /** Use this server instead of spawning one. */
  natsUrl?: string;
  /** Names on the server; default the design's. */
  namespace?: Namespace;
  /** Leave the streams and buckets on the --nats-url server at the end. */
  keep?: boolean;
  simulatedPayment: boolean;
  /** PostgreSQL state: where, and whether events go through an outbox. */
  database?: DatabaseSettings;
  heap?: HeapProfile;
  /** The services' logs on stderr. */
  log?: WorkerConfig['log'];
  /** The orders the API placed, fed with every saga event seen. */
  view: OrderView;
  metrics: SagaMetrics;
  warn(message: string): void;
  /** A service failed for good: whoever serves must stop. */
  crashed(error: ServiceCrashedError): void;
}

export interface Served {
  broker: BrokerInfo;
  services: ReadonlyMap<ServiceName, ServiceHandle>;
  submit(order: PlaceOrder): Promise<void>;
  /** The broker is connected and every service is running. */
  ready(): boolean;
  /** Dead letters seen on NATS so far. */
  deadLetters(): number;
  /** Stops everything; says what it removed. */
  close(): Promise<string[]>;
}

/**
 * The stack of `run`, without load or a verdict: broker, provisioning, the three services, and
 * an observer that feeds the API's order view and the metrics from what crosses NATS. Settled
 * sagas are dropped from the services' memory as in a long run, so `up` can stay up.
 */
export async function serveStack(o: ServeOptions): Promise<Served> {
  const cleanups = new Cleanups();
  try {
    const { scenario } = o;
    const names = new RunNames(o.namespace ?? DESIGN_NAMESPACE);
    const broker = await startBroker({ natsUrl: o.natsUrl, name: 'saga-sim-up', preferPorts: { client: 4222, monitor: 8222 }, names }, cleanups);
    let connection: ConnectionState = 'connected';
    void (async () => {
      for await (const s of broker.nc.status()) connection = connectionStateOf(s.type) ?? connection;
    })();
    const owner = currentOwner('up', names);
    const database = o.database && { ...o.database, keep: o.keep === true };
    const consumers = await provisionStack(broker, scenario, { names, owner, tidy: o.natsUrl !== undefined && !o.keep, fresh: true, warn: o.warn, database }, cleanups);
    // Made once the services exist; events before then have no saga to settle.
    const late: { settlement?: Settlement } = {};
    const observer = new StreamObserver((seen, terminal) => {
      late.settlement?.seen(seen.orderId, now());
      const entry = o.view.event(seen, Date.now());
      o.metrics.event(seen.type, terminal && entry ? (Date.now() - entry.placedAt) / 1000 : undefined);
    });
    await (scenario.delivery === 'core' ? observer.startCore(broker.nc, names) : observer.start(broker.nc, names));
    cleanups.add(() => observer.stop());

    const heap = o.heap ?? 'fast';
    const restoreHeap = applyHeapProfile(heap);
    cleanups.add(async () => restoreHeap());
    const catalogue = buildCatalogue(scenario);
    const overrides = createOrderSource(scenario, catalogue).overrides;
    const setup = { scenario, natsUrl: broker.url, names, consumers, stock: stockOf(catalogue), overrides, simulatedPayment: o.simulatedPayment, heap, log: o.log, database: o.database };
    const services = startServices((name) => workerConfig(name, setup), o.crashed, () => observer.book.settledIds(), cleanups);
    const settlement = (late.settlement = new Settlement({ book: observer.book, workers: services, topology: scenario.topology, delivery: scenario.delivery, keep: new Set(), graceMs: SETTLE_GRACE_MS }));
    const ticker = setInterval(() => settlement.tick(now()), 100);
    cleanups.add(async () => clearInterval(ticker));
    await Promise.all([...services.values()].map((s) => s.ready()));
    const order = services.get('order') as ServiceHandle;
    return {
      broker: broker.info,
      services,
      submit: (placed) => order.submit(placed),
      ready: () => connection === 'connected' && [...services.values()].every((s) => s.status === 'running'),
      deadLetters: () => observer.deadLetters,
      async close() {
        await settlement.close();
        await cleanups.run();
        return removed(broker.info, o.natsUrl !== undefined && !o.keep);
      },
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

function removed(broker: BrokerInfo, tidy: boolean): string[] {
  if (broker.embedded) return [`stopped nats-server ${broker.version} at ${broker.url}`, `deleted its store ${broker.storeDir}`];
  return tidy ? [`deleted saga-sim's streams and buckets on ${broker.url}`] : [`kept saga-sim's streams and buckets on ${broker.url} (--keep)`];
}
