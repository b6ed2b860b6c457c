import { connectBroker, connectionStateOf, serverVersion } from '../broker/connection.js';
import { startEmbeddedServer, type EmbeddedServer } from '../broker/embedded-server.js';
import { brokerUsage, sampleBroker, type MonitoredServer } from '../broker/server-usage.js';
import { InterruptedError, UsageError, type ServiceCrashedError } from '../errors.js';
import { buildCatalogue, stockOf } from '../load/catalogue.js';
import { createOrderSource, type OrderSource } from '../load/order-source.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/schema.js';
import type { WorkerConfig } from '../services/protocol.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { SERVICE_NAMES, type ServiceName, type ServiceSnapshot } from '../services/service.js';
import { ServiceWorker } from '../services/worker-pool.js';
import type { Threshold } from '../verify/thresholds.js';
import { failedSagaSettled } from '../verify/settled.js';
import { Settlement, SETTLE_GRACE_MS } from './settlement.js';
import { condition, now } from './clock.js';
import type { BrokerInfo, ConnectionState, EngineEvent, EngineListener, Phase } from './events.js';
import { startClosedLoop, startOpenLoop, type LoadLoop } from './load-loop.js';
import { coarseTimer, preciseTimer } from './precise-timer.js';
import { loadPlan } from '../load/plan.js';
import { loopBusyShares, sampleLoops, threadCores } from '../metrics/loop-busy.js';
import { StreamObserver } from './observer.js';
import { scheduleFaults, wholeRunFaults } from './faults.js';
import { OutcomeTracker } from './outcomes.js';
import { provisionRun } from './provision.js';
import { UnconfirmedOrders } from './unconfirmed-orders.js';
import { applyHeapProfile, preciseSendTimes, type HeapProfile } from '../services/heap.js';

export interface RunOptions {
  scenario: Scenario;
  /** Use this server instead of spawning one. */
  natsUrl?: string;
  /**
   * A server the caller started (startEmbeddedServer) and keeps after the run, e.g. to inspect
   * its streams. Unlike --nats-url, broker faults may kill and restart it. Implies keep.
   */
  server?: EmbeddedServer;
  /**
   * The server behind natsUrl, when the caller started it (bench's own server): its CPU, memory and
   * messages per saga are then reported, as they are for a server the run starts itself.
   */
  monitored?: MonitoredServer;
  /** Leave the streams on an external server after the run. Default false. */
  keep?: boolean;
  /** false: every payment succeeds (USE_SIMULATED_PAYMENT=false). Default true. */
  simulatedPayment?: boolean;
  /** Thresholds in addition to the scenario's (from --threshold). */
  thresholds?: readonly Threshold[];
  /** Orders intended in this first stretch of the load count for outcomes, not for latency. Default 0. */
  warmupMs?: number;
  /** How long after a saga settled on NATS it is judged and dropped from memory. Default SETTLE_GRACE_MS. */
  settleGraceMs?: number;
  /** V8 heap sizing: fast (the default) or lean (about half the RSS, for some CPU). See services/heap.ts. */
  heap?: HeapProfile;
  /** Interval of snapshot events. Default 100 ms. */
  snapshotIntervalMs?: number;
  /** Aborting stops everything at once; the run then rejects with InterruptedError. */
  signal?: AbortSignal;
}

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;
/** Lead time before the first intended send, so the first slot is not already late. */
const START_LEAD_MS = 5;
/** How long a core-delivery run waits for compensations after every saga has ended. */
const CORE_SETTLE_WAIT_MS = 3000;

/**
 * Runs one scenario end to end. It only emits events; displays subscribe to them.
 * Broker, streams and workers are cleaned up on every path out.
 */
export class RunEngine {
  private readonly listeners = new Set<EngineListener>();
  private loadStopped = false;
  private interrupted = false;
  private load: LoadLoop | undefined;
  private phase: Phase = 'starting-broker';

  constructor(private readonly options: RunOptions) {}

  /** The options' defaults, in one place: the workers, the settlement and the report must agree. */
  private get heap(): HeapProfile {
    return this.options.heap ?? 'fast';
  }

  private get graceMs(): number {
    return this.options.settleGraceMs ?? SETTLE_GRACE_MS;
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops placing new orders; sagas in flight still drain and the run is judged as usual.
   * `interrupted` (Ctrl-C) marks the report so the CLI exits 130; a deliberate stop (q) does not.
   */
  stopLoad(interrupted = true): void {
    this.loadStopped = true;
    this.interrupted ||= interrupted;
    this.load?.wake();
  }

  /** Pauses or resumes placing orders. A pause does not count as lateness. */
  togglePause(): void {
    const load = this.load;
    if (!load) return;
    if (load.stats().paused) load.resume();
    else load.pause();
  }

  /** Multiplies the order rate (e.g. 1.1 for +10%); in a closed loop, the concurrency. */
  scaleRate(factor: number): void {
    this.load?.scale(factor);
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
    const cpuAtStart = process.cpuUsage();
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
      let embedded = this.options.server;
      const brokerFaults = scenario.faults.some((f) => 'broker' in f);
      if (brokerFaults && this.options.natsUrl && !embedded) {
        throw new UsageError('broker faults need the embedded nats-server; drop --nats-url (saga-sim will not kill a server it did not start)');
      }
      if (!this.options.natsUrl && !embedded) {
        // In fault scenarios, fsync every write (2.10+) so a kill -9 loses nothing acknowledged.
        embedded = await startEmbeddedServer({ syncAlways: scenario.faults.length > 0 });
        cleanups.push(() => embedded?.stop() ?? Promise.resolve());
      }
      const url = embedded?.url ?? (this.options.natsUrl as string);
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
      const plan = loadPlan(scenario, source.scriptedIds.length);
      const core = scenario.delivery === 'core';
      const tidy = this.options.natsUrl !== undefined && !this.options.keep;
      const provisioned = await provisionRun(nc, scenario, tidy, (message) => this.emit({ type: 'warning', message }));
      const { consumers } = provisioned;
      for (const cleanup of provisioned.cleanups) cleanups.unshift(cleanup);

      this.emit({
        type: 'start',
        info: { scenario: scenario.name, seed: scenario.seed, topology: scenario.topology, delivery: scenario.delivery, planned: plan.planned, rate: scenario.orders.rate },
      });
      let connection: ConnectionState = 'connected';
      void (async () => {
        for await (const s of nc.status()) connection = connectionStateOf(s.type) ?? connection;
      })();
      const outcomes = new OutcomeTracker();
      let sent = 0;
      // FAILED sagas whose compensation has not yet crossed NATS; the drain waits for them too.
      const failed = new Set<string>();
      const unsettled = new Set<string>();
      const ended = condition(() => outcomes.finished.size >= sent);
      const drained = condition(() => outcomes.finished.size >= sent && unsettled.size === 0);
      const unconfirmed = new UnconfirmedOrders();
      const keep = new Set(source.scriptedIds);
      // Made once the workers exist, before any order is placed.
      let settlement: Settlement | undefined = undefined;
      const observer = new StreamObserver((seen, terminal) => {
        outcomes.event(seen, terminal);
        settlement?.seen(seen.orderId, seen.at);
        if (seen.type === 'order.created.v1') unconfirmed.created(seen.orderId);
        if (seen.type === 'order.failed.v1') failed.add(seen.orderId);
        if (failed.has(seen.orderId)) {
          const counts = observer.book.orders.get(seen.orderId)?.counts ?? {};
          if (failedSagaSettled(counts, scenario.topology, scenario.delivery)) unsettled.delete(seen.orderId);
          else unsettled.add(seen.orderId);
          drained.poke();
        }
        if (!terminal) return;
        this.load?.finished?.(seen.at);
        drained.poke();
        ended.poke();
      }, keep);
      await (core ? observer.startCore(nc) : observer.start(nc));
      cleanups.unshift(() => observer.stop());

      this.enter('starting-services');
      const workers = new Map<ServiceName, ServiceWorker>();
      const restoreHeap = applyHeapProfile(this.heap);
      cleanups.unshift(async () => restoreHeap());
      const crashed = (error: ServiceCrashedError) => {
        crash ??= error;
        abort.abort();
      };
      for (const service of SERVICE_NAMES) {
        const config = this.workerConfig(service, url, consumers[service] ?? [], stockOf(catalogue), source);
        workers.set(service, new ServiceWorker(config, crashed, () => observer.book.settledIds()));
      }
      settlement = new Settlement({
        book: observer.book,
        workers,
        topology: scenario.topology,
        delivery: scenario.delivery,
        keep,
        graceMs: this.graceMs,
        onSettled: (id) => failed.delete(id),
      });
      cleanups.unshift(() => Promise.all([...workers.values()].map((w) => w.stop())));
      // Started with the services, so its thread is up before the first send is due.
      const timer = preciseSendTimes(this.heap) ? preciseTimer() : coarseTimer();
      cleanups.unshift(() => timer.close());
      await Promise.all([...[...workers.values()].map((w) => w.ready()), timer.ready()]);
      guard();

      // Counted on a server this process started only: anyone else's traffic would be in the counts.
      const monitored = embedded ?? this.options.monitored;
      const usageFrom = monitored && (await sampleBroker(monitored, now()));
      const loopsFrom = sampleLoops(workers);

      this.enter('loading');
      const startedAt = now();
      const interval = this.options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
      let last = { finished: 0, sent: 0, at: now(), recentAt: 0 };
      const ticker = setInterval(() => {
        const t = now();
        settlement?.tick(t);
        const finished = outcomes.finished.size;
        const seconds = Math.max(0.001, (t - last.at) / 1000);
        const load = this.load?.stats();
        const recent = outcomes.recentEvents().filter((e) => e.at > last.recentAt);
        this.emit({
          type: 'snapshot',
          snapshot: {
            phase: this.phase,
            elapsedMs: t - startedAt,
            planned: Math.max(plan.planned, sent),
            sent,
            targetRate: load?.rate ?? scenario.orders.rate,
            sendRate: (sent - last.sent) / seconds,
            currentRate: (finished - last.finished) / seconds,
            paused: load?.paused ?? false,
            lateSends: load?.late ?? 0,
            maxLagMs: load?.maxLagMs ?? 0,
            droppedSends: load?.dropped ?? 0,
            inFlight: sent - finished,
            ...outcomes.counts,
            cancelledByReason: { ...outcomes.reasons },
            compensations: { ...outcomes.compensations },
            deadLetters: observer.deadLetters,
            duplicates: observer.book.duplicates,
            latency: outcomes.ladders(),
            recent,
            services: [...workers.values()].map((w) => ({ name: w.name, status: w.status, handled: w.stats.handled, deadLetters: w.stats.deadLetters, restarts: w.restarts })),
            connection,
          },
        });
        last = { finished, sent, at: t, recentAt: recent.at(-1)?.at ?? last.recentAt };
      }, interval);
      cleanups.unshift(async () => clearInterval(ticker));

      const orderWorker = workers.get('order') as ServiceWorker;
      const loadStart = startedAt + START_LEAD_MS;
      const faultsApplied = scheduleFaults({
        faults: scenario.faults,
        loadStart,
        startedAt,
        workers,
        embedded,
        mark: (text) => this.emit({ type: 'fault', fault: { atMs: Math.round(now() - startedAt), at: now(), text } }),
        crashed,
        crashing: (service) => {
          if (service === 'order') unconfirmed.crashing();
        },
        restarted: (service) => {
          const retry = service === 'order' ? unconfirmed.toRetry() : [];
          if (retry.length > 0) orderWorker.placeOrders(retry);
        },
        onCleanup: (cleanup) => cleanups.unshift(cleanup),
      });
      outcomes.recordFrom = loadStart + (this.options.warmupMs ?? 0);
      abort.signal.addEventListener('abort', () => this.load?.wake(), { once: true });
      const callbacks = {
        startAt: loadStart,
        timer,
        inFlight: () => sent - outcomes.finished.size,
        next: source.next,
        stopped: () => this.loadStopped || abort.signal.aborted,
        place: (orders: PlaceOrder[], intendedAt: number[], sentAt: number) => {
          orders.forEach((order, i) => {
            outcomes.sent(order.orderId, intendedAt[i] as number, sentAt);
            unconfirmed.placed(order);
          });
          orderWorker.placeOrders(orders);
          sent += orders.length;
        },
      };
      const limits = { count: plan.count, durationMs: plan.durationMs, maxInFlight: plan.kind === 'open' ? plan.maxInFlight : undefined, mustSend: keep.size };
      this.load =
        plan.kind === 'open'
          ? startOpenLoop(plan.arrivals, limits, callbacks)
          : startClosedLoop(plan.concurrency, plan.thinkMs, limits, callbacks);
      await this.load.done;
      guard();

      this.enter('draining');
      drained.poke();
      const drainStart = now();
      await ended.wait(scenario.drainTimeout, abort.signal);
      // Core delivery may have lost a compensation's trigger for good: its wait is bounded, and
      // what never came shows in the invariants.
      const left = Math.max(0, scenario.drainTimeout - (now() - drainStart));
      await drained.wait(core ? Math.min(left, CORE_SETTLE_WAIT_MS) : left, abort.signal);
      guard();

      const loopsTo = sampleLoops(workers);
      const loopBusy = loopBusyShares(loopsFrom, loopsTo);
      const threads = threadCores(loopsFrom, loopsTo);
      const usageTo = monitored && (await sampleBroker(monitored, now()));
      const usage = usageFrom && usageTo ? brokerUsage(usageFrom, usageTo, sent) : null;

      this.enter('verifying');
      await settlement.close();
      const snapshots = new Map<ServiceName, ServiceSnapshot>();
      for (const [name, worker] of workers) snapshots.set(name, await worker.snapshot());
      const snapshot = <S extends ServiceName>(service: S) => snapshots.get(service) as Extract<ServiceSnapshot, { service: S }>;
      const placed = function* () {
        for (let i = 1; i <= sent; i++) yield source.idOf(i);
      };
      const invariants = settlement.finish(placed(), { order: snapshot('order'), payment: snapshot('payment'), inventory: snapshot('inventory') });
      // Stopped before reporting so the services' counters are final.
      await Promise.all([...workers.values()].map((w) => w.stop()));
      const report = buildReport({
        scenario,
        broker,
        brokerUsage: usage,
        startedAt,
        loadStart,
        endedAt: now(),
        interrupted: this.interrupted,
        stoppedEarly: this.loadStopped,
        sent,
        invariants,
        lostCreated: settlement.tally.lostCreated,
        settlement: { graceMs: this.graceMs, settled: settlement.settled },
        outcomes,
        observer,
        snapshots,
        services: Object.fromEntries([...workers].map(([n, w]) => [n, w.stats])) as Report['services'],
        thresholds: [...scenario.thresholds, ...(this.options.thresholds ?? [])],
        load: this.load.stats(),
        faults: faultsApplied,
        cpuAtStart,
        loopBusy,
        threads,
        heap: this.heap,
        warmupMs: this.options.warmupMs ?? 0,
      });
      this.enter('done');
      this.emit({ type: 'done', report });
      return report;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    }
  }

  private workerConfig(service: ServiceName, natsUrl: string, consumers: string[], stock: Record<string, number>, source: OrderSource): WorkerConfig {
    const { scenario } = this.options;
    const o = source.overrides;
    const faults = wholeRunFaults(scenario.faults);
    return {
      service,
      natsUrl,
      topology: scenario.topology,
      delivery: scenario.delivery,
      state: scenario.state,
      jetstream: { acks: scenario.jetstream.acks },
      consumers,
      payment: { seed: scenario.seed, successRate: scenario.payment.successRate, simulated: this.options.simulatedPayment ?? true },
      stock,
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
      heap: this.heap,
      statsIntervalMs: 250,
    };
  }
}

