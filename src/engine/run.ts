import { connectBroker, serverVersion } from '../broker/connection.js';
import { startEmbeddedServer, type EmbeddedServer } from '../broker/embedded-server.js';
import { deleteStreams, provisionStreams } from '../broker/streams.js';
import { InterruptedError, type ServiceCrashedError } from '../errors.js';
import { buildCatalogue, stockOf } from '../load/catalogue.js';
import { dueSlots, plannedCount, slotTime, type ScheduleOptions } from '../load/constant-rate.js';
import { createOrderFactory } from '../load/order-factory.js';
import { INVENTORY_CONSUMES } from '../services/inventory/logic.js';
import { ORDER_CONSUMES } from '../services/order/logic.js';
import { PAYMENT_CONSUMES } from '../services/payment/logic.js';
import { createHistogram, recordMs, summarize } from '../metrics/histogram.js';
import { eventCounts, REPORT_SCHEMA_VERSION, type Report } from '../report/report.js';
import type { Scenario } from '../scenario/schema.js';
import { SERVICE_NAMES, type ServiceName, type ServiceSnapshot } from '../services/service.js';
import { ServiceWorker } from '../services/worker-pool.js';
import { checkInvariants } from '../verify/invariants.js';
import { condition, now } from './clock.js';
import type { BrokerInfo, EngineEvent, EngineListener, Phase, RunSnapshot } from './events.js';
import { StreamObserver, type TerminalSeen } from './observer.js';
import type { CancelReason } from '../events/schema.js';

export interface RunOptions {
  scenario: Scenario;
  /** Use this server instead of spawning one. */
  natsUrl?: string;
  /** Leave the streams on an external server after the run. Default false. */
  keep?: boolean;
  /** false: every payment succeeds (USE_SIMULATED_PAYMENT=false). Default true. */
  simulatedPayment?: boolean;
  /** Interval of snapshot events. Default 100 ms. */
  snapshotIntervalMs?: number;
  /** Aborting stops everything at once; the run then rejects with InterruptedError. */
  signal?: AbortSignal;
}

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;
/** Lead time before the first intended send, so the first slot is not already late. */
const START_LEAD_MS = 5;

/**
 * Runs one scenario end to end. It only emits events; displays subscribe to them.
 * Broker, streams and workers are cleaned up on every path out.
 */
export class RunEngine {
  private readonly listeners = new Set<EngineListener>();
  private loadStopped = false;
  private wakeLoad: (() => void) | undefined;

  constructor(private readonly options: RunOptions) {}

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops placing new orders; sagas in flight still drain and the run reports as interrupted. */
  stopLoad(): void {
    this.loadStopped = true;
    this.wakeLoad?.();
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private phase = (phase: Phase) => {
    this.current = phase;
    this.emit({ type: 'phase', phase });
  };
  private current: Phase = 'starting-broker';

  async run(): Promise<Report> {
    const { scenario, signal } = this.options;
    const cleanups: (() => Promise<unknown>)[] = [];
    let crash: ServiceCrashedError | undefined;
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const crashed = (error: ServiceCrashedError) => {
      crash ??= error;
      abort.abort();
    };
    const guard = () => {
      if (crash) throw crash;
      if (signal?.aborted) throw new InterruptedError('interrupted');
    };
    try {
      this.phase('starting-broker');
      let embedded: EmbeddedServer | undefined;
      if (!this.options.natsUrl) {
        embedded = await startEmbeddedServer();
        cleanups.push(() => embedded?.stop() ?? Promise.resolve());
      }
      const url = this.options.natsUrl ?? (embedded as EmbeddedServer).url;
      const nc = await connectBroker(url, 'saga-sim-engine');
      cleanups.push(() => nc.close());
      const broker: BrokerInfo = {
        url,
        monitorUrl: embedded?.monitorUrl,
        storeDir: embedded?.storeDir,
        embedded: embedded !== undefined,
        version: serverVersion(nc).join('.'),
      };
      this.emit({ type: 'broker', broker });
      guard();

      this.phase('provisioning');
      const catalogue = buildCatalogue(scenario);
      const { filtered } = await provisionStreams(nc, [
        { service: 'order', consumes: ORDER_CONSUMES },
        { service: 'payment', consumes: PAYMENT_CONSUMES },
        { service: 'inventory', consumes: INVENTORY_CONSUMES },
      ]);
      if (this.options.natsUrl && !this.options.keep) cleanups.unshift(() => deleteStreams(nc).catch(() => undefined));

      const corrected = createHistogram();
      const uncorrected = createHistogram();
      const sendTimes = new Map<string, { intendedAt: number; sentAt: number }>();
      const finished = new Set<string>();
      const outcome = { confirmed: 0, cancelled: 0, failed: 0 };
      const reasons: Record<CancelReason, number> = { payment_failed: 0, out_of_stock: 0, payment_and_stock: 0 };
      let lastTerminalAt = 0;
      let sent = 0;
      const drained = condition(() => finished.size >= sent);
      const observer = new StreamObserver((seen: TerminalSeen, terminal) => {
        if (!terminal) return;
        if (seen.type === 'order.confirmed.v1') outcome.confirmed++;
        else if (seen.type === 'order.cancelled.v1') {
          outcome.cancelled++;
          if (seen.reason) reasons[seen.reason as CancelReason]++;
        } else outcome.failed++;
        finished.add(seen.orderId);
        lastTerminalAt = seen.at;
        const times = sendTimes.get(seen.orderId);
        if (times) {
          recordMs(corrected, seen.at - times.intendedAt);
          recordMs(uncorrected, seen.at - times.sentAt);
          sendTimes.delete(seen.orderId);
        }
        drained.poke();
      });
      await observer.start(nc);
      cleanups.unshift(() => observer.stop());

      this.phase('starting-services');
      const workers = new Map<ServiceName, ServiceWorker>();
      for (const service of SERVICE_NAMES) {
        const worker = new ServiceWorker(
          {
            service,
            natsUrl: url,
            topology: scenario.topology,
            filtered,
            payment: {
              seed: scenario.seed,
              successRate: scenario.payment.successRate,
              simulated: this.options.simulatedPayment ?? true,
            },
            stock: stockOf(catalogue),
            statsIntervalMs: 250,
          },
          crashed,
        );
        workers.set(service, worker);
      }
      cleanups.unshift(() => Promise.all([...workers.values()].map((w) => w.stop())));
      await Promise.all([...workers.values()].map((w) => w.ready()));
      guard();

      this.phase('loading');
      const schedule: ScheduleOptions = {
        rate: scenario.orders.rate,
        count: scenario.orders.count,
        durationMs: scenario.orders.duration,
      };
      const planned = plannedCount(schedule);
      const startedAt = now();
      const placed: string[] = [];
      let lastFinished = 0;
      const ticker = setInterval(() => {
        const snapshot: RunSnapshot = {
          phase: this.current,
          elapsedMs: now() - startedAt,
          planned,
          sent,
          targetRate: schedule.rate,
          currentRate: ((finished.size - lastFinished) * 1000) / (this.options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS),
          inFlight: sent - finished.size,
          ...outcome,
          deadLetters: observer.deadLetters,
          latency: summarize(corrected),
        };
        lastFinished = finished.size;
        this.emit({ type: 'snapshot', snapshot });
      }, this.options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS);
      cleanups.unshift(async () => clearInterval(ticker));

      const factory = createOrderFactory(scenario, catalogue);
      const orderWorker = workers.get('order') as ServiceWorker;
      const loadStart = startedAt + START_LEAD_MS;
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        this.wakeLoad = () => {
          clearTimeout(timer);
          resolve();
        };
        abort.signal.addEventListener('abort', () => this.wakeLoad?.(), { once: true });
        const tick = () => {
          if (this.loadStopped || abort.signal.aborted) return resolve();
          const t = now();
          const slots = dueSlots(loadStart, schedule, sent, t);
          if (slots.length > 0) {
            const orders = slots.map((slot) => {
              const order = factory(slot.seq + 1);
              sendTimes.set(order.orderId, { intendedAt: slot.intendedAt, sentAt: t });
              placed.push(order.orderId);
              return order;
            });
            orderWorker.placeOrders(orders);
            sent += slots.length;
          }
          if (sent >= planned) return resolve();
          timer = setTimeout(tick, Math.max(0, slotTime(loadStart, schedule.rate, sent) - now()));
        };
        tick();
      });
      guard();

      this.phase('draining');
      drained.poke();
      await drained.wait(scenario.drainTimeout, abort.signal);
      guard();

      this.phase('verifying');
      const snapshots = new Map<ServiceName, ServiceSnapshot>();
      for (const [name, worker] of workers) snapshots.set(name, await worker.snapshot());
      // Stopped before reporting so the services' counters are final.
      await Promise.all([...workers.values()].map((w) => w.stop()));
      const invariants = checkInvariants({
        placed,
        order: snapshots.get('order') as Extract<ServiceSnapshot, { service: 'order' }>,
        payment: snapshots.get('payment') as Extract<ServiceSnapshot, { service: 'payment' }>,
        inventory: snapshots.get('inventory') as Extract<ServiceSnapshot, { service: 'inventory' }>,
        observed: observer.book,
      });
      const endedAt = Math.max(lastTerminalAt, loadStart);
      const seconds = Math.max(0.001, (endedAt - loadStart) / 1000);
      const pending = sent - finished.size;
      const report: Report = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        scenario: { name: scenario.name, file: scenario.file },
        seed: scenario.seed,
        topology: scenario.topology,
        delivery: 'jetstream',
        broker,
        startedAt: new Date(startedAt).toISOString(),
        durationSeconds: round((now() - startedAt) / 1000, 3),
        interrupted: this.loadStopped,
        orders: {
          total: sent,
          ...outcome,
          pending,
          confirmedRatio: sent === 0 ? 0 : round(outcome.confirmed / sent, 4),
          cancelledByReason: reasons,
        },
        compensations: {
          inventoryReleased: observer.book.distinct('inventory.released.v1'),
          paymentRefunded: observer.book.distinct('payment.refunded.v1'),
        },
        latency: { ms: summarize(corrected), uncorrectedMs: summarize(uncorrected) },
        throughput: { sagasPerSecond: round(finished.size / seconds, 1), offeredPerSecond: schedule.rate },
        events: {
          byType: eventCounts((t) => observer.book.count(t)),
          duplicates: observer.book.duplicates,
          invalid: observer.invalid,
          deadLetters: observer.deadLetters,
        },
        services: Object.fromEntries([...workers].map(([n, w]) => [n, w.stats])) as Report['services'],
        invariants,
        passed: pending === 0 && invariants.every((i) => i.passed),
      };
      this.phase('done');
      this.emit({ type: 'done', report });
      return report;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    }
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
