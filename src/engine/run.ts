import { connectBroker, serverVersion } from '../broker/connection.js';
import { startEmbeddedServer, type EmbeddedServer } from '../broker/embedded-server.js';
import { deleteStreams, provisionStreams } from '../broker/streams.js';
import { InterruptedError, type ServiceCrashedError } from '../errors.js';
import { buildCatalogue, stockOf } from '../load/catalogue.js';
import { createOrderSource, type OrderSource } from '../load/order-source.js';
import { summarize } from '../metrics/histogram.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/schema.js';
import { INVENTORY_CONSUMES } from '../services/inventory/logic.js';
import { ORDER_CONSUMES } from '../services/order/logic.js';
import { PAYMENT_CONSUMES } from '../services/payment/logic.js';
import type { WorkerConfig } from '../services/protocol.js';
import { SERVICE_NAMES, type ServiceName, type ServiceSnapshot } from '../services/service.js';
import { ServiceWorker } from '../services/worker-pool.js';
import type { Threshold } from '../verify/thresholds.js';
import { condition, now } from './clock.js';
import type { BrokerInfo, EngineEvent, EngineListener, Phase } from './events.js';
import { startLoadLoop, type LoadLoop } from './load-loop.js';
import { StreamObserver } from './observer.js';
import { OutcomeTracker } from './outcomes.js';

export interface RunOptions {
  scenario: Scenario;
  /** Use this server instead of spawning one. */
  natsUrl?: string;
  /** Leave the streams on an external server after the run. Default false. */
  keep?: boolean;
  /** false: every payment succeeds (USE_SIMULATED_PAYMENT=false). Default true. */
  simulatedPayment?: boolean;
  /** Thresholds in addition to the scenario's (from --threshold). */
  thresholds?: readonly Threshold[];
  /** Interval of snapshot events. Default 100 ms. */
  snapshotIntervalMs?: number;
  /** Aborting stops everything at once; the run then rejects with InterruptedError. */
  signal?: AbortSignal;
}

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;
/** Lead time before the first intended send, so the first slot is not already late. */
const START_LEAD_MS = 5;
const CONSUMES = { order: ORDER_CONSUMES, payment: PAYMENT_CONSUMES, inventory: INVENTORY_CONSUMES } as const;

/**
 * Runs one scenario end to end. It only emits events; displays subscribe to them.
 * Broker, streams and workers are cleaned up on every path out.
 */
export class RunEngine {
  private readonly listeners = new Set<EngineListener>();
  private loadStopped = false;
  private load: LoadLoop | undefined;
  private phase: Phase = 'starting-broker';

  constructor(private readonly options: RunOptions) {}

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops placing new orders; sagas in flight still drain and the run reports as interrupted. */
  stopLoad(): void {
    this.loadStopped = true;
    this.load?.wake();
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private enter(phase: Phase): void {
    this.phase = phase;
    this.emit({ type: 'phase', phase });
  }

  async run(): Promise<Report> {
    const { scenario, signal } = this.options;
    const cleanups: (() => Promise<unknown>)[] = [];
    let crash: ServiceCrashedError | undefined;
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const guard = () => {
      if (crash) throw crash;
      if (signal?.aborted) throw new InterruptedError('interrupted');
    };
    try {
      this.enter('starting-broker');
      let embedded: EmbeddedServer | undefined;
      if (!this.options.natsUrl) {
        embedded = await startEmbeddedServer();
        cleanups.push(() => embedded?.stop() ?? Promise.resolve());
      }
      const url = this.options.natsUrl ?? (embedded as EmbeddedServer).url;
      const nc = await connectBroker(url, 'saga-sim-engine');
      cleanups.unshift(() => nc.close());
      const broker: BrokerInfo = {
        url,
        monitorUrl: embedded?.monitorUrl,
        storeDir: embedded?.storeDir,
        embedded: embedded !== undefined,
        version: serverVersion(nc).join('.'),
      };
      this.emit({ type: 'broker', broker });
      guard();

      this.enter('provisioning');
      const catalogue = buildCatalogue(scenario);
      const source = createOrderSource(scenario, catalogue);
      const { filtered } = await provisionStreams(
        nc,
        SERVICE_NAMES.map((service) => ({ service, consumes: CONSUMES[service] })),
      );
      if (this.options.natsUrl && !this.options.keep) cleanups.unshift(() => deleteStreams(nc).catch(() => undefined));

      const outcomes = new OutcomeTracker();
      let sent = 0;
      const drained = condition(() => outcomes.finished.size >= sent);
      const observer = new StreamObserver((seen, terminal) => {
        if (!terminal) return;
        outcomes.terminal(seen);
        drained.poke();
      }, new Set(source.scriptedIds));
      await observer.start(nc);
      cleanups.unshift(() => observer.stop());

      this.enter('starting-services');
      const workers = new Map<ServiceName, ServiceWorker>();
      const crashed = (error: ServiceCrashedError) => {
        crash ??= error;
        abort.abort();
      };
      for (const service of SERVICE_NAMES) {
        workers.set(service, new ServiceWorker(this.workerConfig(service, url, filtered, stockOf(catalogue), source), crashed));
      }
      cleanups.unshift(() => Promise.all([...workers.values()].map((w) => w.stop())));
      await Promise.all([...workers.values()].map((w) => w.ready()));
      guard();

      this.enter('loading');
      const startedAt = now();
      const interval = this.options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
      let lastFinished = 0;
      const ticker = setInterval(() => {
        const finished = outcomes.finished.size;
        this.emit({
          type: 'snapshot',
          snapshot: {
            phase: this.phase,
            elapsedMs: now() - startedAt,
            planned: source.total,
            sent,
            targetRate: scenario.orders.rate,
            currentRate: ((finished - lastFinished) * 1000) / interval,
            inFlight: sent - finished,
            ...outcomes.counts,
            deadLetters: observer.deadLetters,
            latency: summarize(outcomes.corrected),
          },
        });
        lastFinished = finished;
      }, interval);
      cleanups.unshift(async () => clearInterval(ticker));

      const orderWorker = workers.get('order') as ServiceWorker;
      const loadStart = startedAt + START_LEAD_MS;
      abort.signal.addEventListener('abort', () => this.load?.wake(), { once: true });
      this.load = startLoadLoop({
        rate: scenario.orders.rate,
        total: source.total,
        startAt: loadStart,
        next: source.next,
        stopped: () => this.loadStopped || abort.signal.aborted,
        place: (orders, intendedAt, sentAt) => {
          orders.forEach((order, i) => outcomes.sent(order.orderId, intendedAt[i] as number, sentAt));
          orderWorker.placeOrders(orders);
          sent += orders.length;
        },
      });
      await this.load.done;
      guard();

      this.enter('draining');
      drained.poke();
      await drained.wait(scenario.drainTimeout, abort.signal);
      guard();

      this.enter('verifying');
      const snapshots = new Map<ServiceName, ServiceSnapshot>();
      for (const [name, worker] of workers) snapshots.set(name, await worker.snapshot());
      // Stopped before reporting so the services' counters are final.
      await Promise.all([...workers.values()].map((w) => w.stop()));
      const report = buildReport({
        scenario,
        broker,
        startedAt,
        loadStart,
        endedAt: now(),
        interrupted: this.loadStopped,
        placed: Array.from({ length: sent }, (_, i) => source.idOf(i + 1)),
        outcomes,
        observer,
        snapshots,
        services: Object.fromEntries([...workers].map(([n, w]) => [n, w.stats])) as Report['services'],
        thresholds: [...scenario.thresholds, ...(this.options.thresholds ?? [])],
      });
      this.enter('done');
      this.emit({ type: 'done', report });
      return report;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    }
  }

  private workerConfig(service: ServiceName, natsUrl: string, filtered: boolean, stock: Record<string, number>, source: OrderSource): WorkerConfig {
    const { scenario } = this.options;
    const o = source.overrides;
    return {
      service,
      natsUrl,
      topology: scenario.topology,
      filtered,
      payment: { seed: scenario.seed, successRate: scenario.payment.successRate, simulated: this.options.simulatedPayment ?? true },
      stock,
      forcedPayments: o.payment,
      shortOrders: o.short,
      delayMs: service === 'payment' ? o.delayMs.payment : service === 'inventory' ? o.delayMs.inventory : {},
      statsIntervalMs: 250,
    };
  }
}
