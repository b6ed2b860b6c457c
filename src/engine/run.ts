import type { DatabaseSettings } from '../services/state/postgres/settings.js';
import { databaseReport, databaseSettings } from './database.js';
import { connectionStateOf } from '../broker/connection.js';
import { newRunId, RunNames } from '../broker/names.js';
import { currentOwner } from '../broker/owner.js';
import { brokerUsage, sampleBroker, type BrokerSample, type MonitoredServer } from '../broker/server-usage.js';
import { InterruptedError, UsageError, type ServiceCrashedError } from '../errors.js';
import { buildCatalogue, stockOf } from '../load/catalogue.js';
import { createOrderSource, type OrderSource } from '../load/order-source.js';
import { IN_FLIGHT_GUARD, loadPlan, type LoadPlan } from '../load/plan.js';
import { scenarioPart, WHOLE } from '../load/share.js';
import { loopBusyShares, sampleLoops, threadCores, type LoopSample } from '../metrics/loop-busy.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/schema.js';
import type { ServiceHandle } from '../services/handle.js';
import { RemoteService } from '../services/remote/remote-handle.js';
import { applyHeapProfile, preciseSendTimes, type HeapProfile } from '../services/heap.js';
import type { ServiceName, ServiceSnapshot } from '../services/service.js';
import { Cleanups } from './cleanups.js';
import { now } from './clock.js';
import { EngineControls } from './engine-controls.js';
import type { Engine } from './events.js';
import { scheduleFaults } from './faults.js';
import { startClosedLoop, startOpenLoop, type LoadLoop } from './load-loop.js';
import { coarseTimer, preciseTimer, type WakeTimer } from './precise-timer.js';
import { SagaWatch } from './saga-watch.js';
import { Settlement, SETTLE_GRACE_MS } from './settlement.js';
import { startSnapshots } from './snapshot-ticker.js';
import { findServices, provisionStack, startBroker, startServices, type Broker } from './stack.js';
import { workerConfig } from './worker-config.js';
import { joinRun, partReport, startProgress, type Joined } from './distributed/generator-part.js';
import type { RunOptions } from './run-options.js';

export type { RunOptions } from './run-options.js';

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;
/** Lead time before the first intended send, so the first slot is not already late. */
const START_LEAD_MS = 5;
/** How long a core-delivery run waits for compensations after every saga has ended. */
const CORE_SETTLE_WAIT_MS = 3000;

/** What the scenario asks for, built before the services start. */
interface Work {
  /** The scenario this process fires: the whole, or a generator's part of it. */
  scenario: Scenario;
  source: OrderSource;
  plan: LoadPlan;
  stock: Record<string, number>;
  consumers: Record<string, string[]>;
}

/** What the load phase leaves for the measurement and the report. */
interface Loaded {
  startedAt: number;
  loadStart: number;
  faults: Report['faults'];
  monitored: MonitoredServer | undefined;
  usageFrom: BrokerSample | undefined;
  loopsFrom: LoopSample;
}

/**
 * Runs one scenario end to end, in named phases: start the broker, provision, start observing,
 * start the services, load, drain, verify. It only emits events; displays subscribe to them.
 * Broker, streams and workers are cleaned up on every path out.
 */
export class RunEngine extends EngineControls implements Engine {
  /** The first service crash that failed the run. */
  private crash: ServiceCrashedError | undefined;
  /** One generator of a distributed run: its link to the coordinator, and its part. */
  private joined: Joined | undefined;
  /** The run's own names on the server; services run elsewhere are in theirs (the design's by default). */
  readonly names: RunNames;

  constructor(private readonly options: RunOptions) {
    super();
    const ns = options.namespace;
    this.names = new RunNames({ id: ns?.id ?? (this.external ? '' : newRunId()), subjectPrefix: ns?.subjectPrefix ?? '' });
  }

  /** The options' defaults, in one place: the workers, the settlement and the report must agree. */
  private get heap(): HeapProfile {
    return this.options.heap ?? 'fast';
  }

  private get external(): boolean {
    return this.options.services === 'external' || this.options.generator !== undefined;
  }

  private get graceMs(): number {
    return this.options.settleGraceMs ?? SETTLE_GRACE_MS;
  }

  private readonly crashed = (error: ServiceCrashedError): void => {
    this.crash ??= error;
    this.abort.abort();
  };

  /** Between phases: a crash or an abort ends the run here. */
  private guard(): void {
    if (this.crash) throw this.crash;
    if (this.options.signal?.aborted) throw new InterruptedError('interrupted');
  }

  /** Where PostgreSQL state lives, and how events leave it (used with `state: postgres` only). */
  private get database(): DatabaseSettings {
    return databaseSettings(this.options);
  }

  async run(): Promise<Report> {
    const { signal } = this.options;
    const cleanups = new Cleanups();
    const cpuAtStart = process.cpuUsage();
    const onAbort = () => this.abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const broker = await this.startBroker(cleanups);
      await this.join(broker, cleanups);
      const work = await this.provision(broker, cleanups);
      const watch = await this.startObserving(broker, work, cleanups);
      const { services, timer } = await this.startServices(broker, work, watch, cleanups);
      const loaded = await this.runLoad(broker, work, watch, services, timer, cleanups);
      await this.drain(watch);
      return await this.verify(broker, work, watch, services, loaded, cpuAtStart);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await cleanups.run();
    }
  }

  private async startBroker(cleanups: Cleanups): Promise<Broker> {
    const { scenario, natsUrl, server } = this.options;
    this.enter('starting-broker');
    if (scenario.faults.some((f) => 'broker' in f) && natsUrl && !server) {
      throw new UsageError('broker faults need the embedded nats-server; drop --nats-url (saga-sim will not kill a server it did not start)');
    }
    if (this.options.cluster && (natsUrl || server)) throw new UsageError('--embedded-cluster starts its own servers; drop --nats-url');
    if (this.external && !natsUrl && !server) throw new UsageError('--services external needs --nats-url: the server the saga-sim service processes use');
    if (this.external && scenario.faults.some((f) => 'crash' in f || 'crashAfterCommit' in f)) {
      throw new UsageError('crash faults need services this run starts; with --services external, kill the processes yourself');
    }
    if (scenario.state !== 'postgres' && scenario.faults.some((f) => 'crashAfterCommit' in f)) {
      throw new UsageError('crashAfterCommit needs a database to commit to: add state: postgres to the scenario, or --state postgres');
    }
    // In fault scenarios, fsync every write (2.10+) so a kill -9 loses nothing acknowledged.
    const broker = await startBroker({ natsUrl, server, syncAlways: scenario.faults.length > 0, names: this.names, cluster: this.options.cluster }, cleanups);
    this.emit({ type: 'broker', broker: broker.info });
    void (async () => {
      for await (const s of broker.nc.status()) this.connection = connectionStateOf(s.type) ?? this.connection;
    })();
    this.guard();
    return broker;
  }

  /** A generator waits for its part from the run's coordinator. */
  private async join(broker: Broker, cleanups: Cleanups): Promise<void> {
    const { generator, scenario } = this.options;
    if (!generator) return;
    const say = (message: string) => this.emit({ type: 'notice', message });
    this.joined = await joinRun({ nc: broker.nc, names: this.names, runId: generator.runId, scenario, joinTimeoutMs: generator.joinTimeoutMs, signal: this.abort.signal, stop: () => this.stopLoad(true), abort: this.crashed, say }, cleanups);
    this.guard();
  }

  private async provision(broker: Broker, cleanups: Cleanups): Promise<Work> {
    const { scenario: whole } = this.options;
    this.enter('provisioning');
    // Every generator orders from the run's catalogue, its own share of the orders.
    const catalogue = buildCatalogue(whole);
    const part = this.joined?.part ?? WHOLE;
    const scenario = scenarioPart(whole, part);
    const source = createOrderSource(scenario, catalogue, part, this.options.generator?.runId);
    const plan = loadPlan(scenario, source.scriptedIds.length);
    // A server the caller keeps keeps the streams too (to inspect them), unless told otherwise.
    const { natsUrl, server, keep } = this.options;
    const tidy = !this.external && (natsUrl !== undefined || server !== undefined) && !(keep ?? server !== undefined);
    const warn = (message: string) => this.emit({ type: 'warning', message });
    const owner = currentOwner(this.external ? 'run --services external' : 'run', this.names);
    const database = { ...this.database, keep: keep === true };
    const consumers = await provisionStack(broker, scenario, { names: this.names, owner, tidy, fresh: !this.external, warn, database }, cleanups);
    this.emit({
      type: 'start',
      info: { scenario: scenario.name, seed: scenario.seed, topology: scenario.topology, delivery: scenario.delivery, planned: plan.planned, rate: scenario.orders.rate },
    });
    return { scenario, source, plan, stock: stockOf(catalogue), consumers };
  }

  private async startObserving(broker: Broker, work: Work, cleanups: Cleanups): Promise<SagaWatch> {
    const watch = new SagaWatch(this.options.scenario, new Set(work.source.scriptedIds), (at) => this.load?.finished?.(at));
    await watch.start(broker.nc, this.names, this.external);
    cleanups.add(() => watch.stop());
    return watch;
  }

  private async startServices(broker: Broker, work: Work, watch: SagaWatch, cleanups: Cleanups) {
    const { scenario } = this.options;
    this.enter('starting-services');
    const restoreHeap = applyHeapProfile(this.heap);
    cleanups.add(async () => restoreHeap());
    const setup = { scenario, natsUrl: broker.url, names: this.names, consumers: work.consumers, stock: work.stock, overrides: work.source.overrides, simulatedPayment: this.options.simulatedPayment ?? true, heap: this.heap, database: this.database };
    const services = this.external
      ? findServices(broker.nc, this.names, this.crashed, (message) => this.emit({ type: 'warning', message }), cleanups)
      : startServices((name) => workerConfig(name, setup), this.crashed, () => watch.observer.book.settledIds(), cleanups);
    watch.settlement = new Settlement({
      book: watch.observer.book,
      workers: services,
      topology: scenario.topology,
      delivery: scenario.delivery,
      keep: watch.keep,
      graceMs: this.graceMs,
      onSettled: (id) => watch.forget(id),
    });
    // Started with the services, so its thread is up before the first send is due.
    const timer = preciseSendTimes(this.heap) ? preciseTimer() : coarseTimer();
    cleanups.add(() => timer.close());
    await Promise.all([...[...services.values()].map((s) => s.ready()), timer.ready()]);
    this.guard();
    return { services, timer };
  }

  private async runLoad(broker: Broker, work: Work, watch: SagaWatch, services: Map<ServiceName, ServiceHandle>, timer: WakeTimer, cleanups: Cleanups): Promise<Loaded> {
    const { scenario } = this.options;
    const { plan, source } = work;
    // Counted on a server this process started only: anyone else's traffic would be in the counts.
    const monitored = broker.embedded ?? this.options.monitored;
    const usageFrom = monitored && (await sampleBroker(monitored, now()));
    const loopsFrom = sampleLoops(services);

    this.enter('loading');
    const startedAt = now();
    startSnapshots(
      {
        intervalMs: this.options.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS,
        startedAt,
        planned: plan.planned,
        rate: scenario.orders.rate,
        watch,
        services,
        phase: () => this.phase,
        load: () => this.load,
        connection: () => this.connection,
        emit: (event) => this.emit(event),
      },
      cleanups,
    );
    if (this.joined) startProgress(this.joined, watch, () => this.phase, cleanups);
    const orderService = services.get('order') as ServiceHandle;
    const loadStart = startedAt + START_LEAD_MS;
    const faults = scheduleFaults({
      faults: scenario.faults,
      loadStart,
      startedAt,
      workers: services,
      embedded: broker.embedded,
      mark: (text) => this.emit({ type: 'fault', fault: { atMs: Math.round(now() - startedAt), at: now(), text } }),
      crashed: this.crashed,
      crashing: (service) => {
        if (service === 'order') watch.unconfirmed.crashing();
      },
      restarted: (service) => {
        const retry = service === 'order' ? watch.unconfirmed.toRetry() : [];
        if (retry.length > 0) orderService.placeOrders(retry);
      },
      onCleanup: (cleanup) => cleanups.add(cleanup),
    });
    watch.outcomes.recordFrom = loadStart + (this.options.warmupMs ?? 0);
    this.abort.signal.addEventListener('abort', () => this.load?.wake(), { once: true });
    const callbacks = {
      startAt: loadStart,
      timer,
      inFlight: () => watch.inFlight,
      next: source.next,
      stopped: () => this.loadStopped || this.abort.signal.aborted,
      place: (orders: Parameters<ServiceHandle['placeOrders']>[0], intendedAt: number[], sentAt: number) => {
        watch.placed(orders, intendedAt, sentAt);
        orderService.placeOrders(orders);
      },
    };
    const limits = { count: plan.count, durationMs: plan.durationMs, maxInFlight: plan.kind === 'open' ? (plan.maxInFlight ?? IN_FLIGHT_GUARD) : undefined, mustSend: watch.keep.size };
    this.load = plan.kind === 'open' ? startOpenLoop(plan.arrivals, limits, callbacks) : startClosedLoop(plan.concurrency, plan.thinkMs, limits, callbacks);
    await this.load.done;
    this.guard();
    return { startedAt, loadStart, faults, monitored, usageFrom, loopsFrom };
  }

  private async drain(watch: SagaWatch): Promise<void> {
    const { scenario } = this.options;
    this.enter('draining');
    watch.drained.poke();
    const drainStart = now();
    await watch.ended.wait(scenario.drainTimeout, this.abort.signal);
    // Core delivery may have lost a compensation's trigger for good: its wait is bounded, and
    // what never came shows in the invariants.
    const left = Math.max(0, scenario.drainTimeout - (now() - drainStart));
    await watch.drained.wait(scenario.delivery === 'core' ? Math.min(left, CORE_SETTLE_WAIT_MS) : left, this.abort.signal);
    this.guard();
  }

  private async verify(broker: Broker, work: Work, watch: SagaWatch, services: Map<ServiceName, ServiceHandle>, loaded: Loaded, cpuAtStart: NodeJS.CpuUsage): Promise<Report> {
    const { scenario } = this.options;
    const { sent, outcomes, observer } = watch;
    const settlement = watch.settlement as Settlement;
    const loopsTo = sampleLoops(services);
    const usageTo = loaded.monitored && (await sampleBroker(loaded.monitored, now()));
    const usage = loaded.usageFrom && usageTo ? brokerUsage(loaded.usageFrom, usageTo, sent) : null;

    this.enter('verifying');
    await settlement.close();
    const snapshots = new Map<ServiceName, ServiceSnapshot>();
    for (const [name, service] of services) snapshots.set(name, await service.snapshot());
    const snapshot = <S extends ServiceName>(service: S) => snapshots.get(service) as Extract<ServiceSnapshot, { service: S }>;
    const placed = function* () {
      for (let i = 1; i <= sent; i++) yield work.source.idOf(i);
    };
    const invariants = settlement.finish(placed(), { order: snapshot('order'), payment: snapshot('payment'), inventory: snapshot('inventory') });
    // Stopped before reporting so the services' counters are final.
    await Promise.all([...services.values()].map((s) => s.stop()));
    const report = buildReport({
      scenario: work.scenario,
      database: databaseReport(this.options, this.names, this.external),
      broker: broker.info,
      brokerUsage: usage,
      startedAt: loaded.startedAt,
      loadStart: loaded.loadStart,
      endedAt: now(),
      interrupted: this.interrupted,
      stoppedEarly: this.loadStopped,
      sent,
      invariants,
      lostCreated: settlement.tally.lostCreated,
      settlement: { graceMs: this.graceMs, settled: settlement.settled },
      outcomes,
      observer,
      orderStatus: new Map(snapshot('order').orders.map((o) => [o.orderId, o.status])),
      services: Object.fromEntries([...services].map(([n, s]) => [n, s.stats])) as Report['services'],
      thresholds: [...scenario.thresholds, ...(this.options.thresholds ?? [])],
      load: (this.load as LoadLoop).stats(),
      faults: loaded.faults,
      cpuAtStart,
      loopBusy: loopBusyShares(loaded.loopsFrom, loopsTo),
      threads: threadCores(loaded.loopsFrom, loopsTo),
      heap: this.heap,
      warmupMs: this.options.warmupMs ?? 0,
      timeline: this.timeline.points,
    });
    if (this.external) report.instances = [...services.values()].flatMap((s) => (s instanceof RemoteService ? s.work() : []));
    const final = this.joined ? partReport(report, this.joined, this.options.generator?.runId ?? '', settlement.tally.confirmedQuantities(), watch.outcomes.partHistograms()) : report;
    if (this.joined) await this.joined.link.handIn(final);
    this.enter('done');
    this.emit({ type: 'done', report: final });
    return final;
  }
}
