import { connectionStateOf } from '../broker/connection.js';
import { DESIGN_NAMES } from '../broker/names.js';
import { InterruptedError, UsageError } from '../errors.js';
import { wilson } from '../experiment/wilson.js';
import { isTerminalType } from '../events/subjects.js';
import { buildCatalogue } from '../load/catalogue.js';
import { createOrderSource } from '../load/order-source.js';
import { IN_FLIGHT_GUARD, loadPlan } from '../load/plan.js';
import { buildReport } from '../report/build-report.js';
import type { Report, TargetReport } from '../report/report.js';
import { TargetSchema } from '../scenario/target-schema.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { emptyStats } from '../services/protocol.js';
import { SERVICE_NAMES } from '../services/service.js';
import type { OrderEntry } from '../target/entry-tally.js';
import { HttpOrderEntry } from '../target/http-entry.js';
import { NatsOrderEntry } from '../target/nats-entry.js';
import { TargetIntake } from '../target/intake.js';
import { EventMapping } from '../target/mapping.js';
import { checkStatuses } from '../target/status-check.js';
import { checkTarget } from '../verify/target-invariants.js';
import { Cleanups } from './cleanups.js';
import { condition, now } from './clock.js';
import { EngineControls } from './engine-controls.js';
import type { Engine } from './events.js';
import { startClosedLoop, startOpenLoop, type LoadLoop } from './load-loop.js';
import { coarseTimer, preciseTimer } from './precise-timer.js';
import { preciseSendTimes } from '../services/heap.js';
import type { RunOptions } from './run-options.js';
import { SagaWatch } from './saga-watch.js';
import { startSnapshots } from './snapshot-ticker.js';
import { startBroker } from './stack.js';

const START_LEAD_MS = 5;
/** After the last terminal event, how long compensations still owed may take to cross NATS. */
const COMPENSATION_WAIT_MS = 3000;

interface Entries {
  entry: OrderEntry;
  /** When each accepted order's POST left (epoch ms), until its saga ends. */
  sentAt: Map<string, number>;
  /** POSTs not answered yet. */
  pending: number;
  /** The target's ids of the orders it accepted, in order. */
  placed: string[];
  answered: ReturnType<typeof condition>;
}

/**
 * A run against a saga system saga-sim did not start: orders go in through its HTTP API, the
 * saga is watched on its NATS through the scenario's mapping, and the verdict comes from the
 * events alone. Same events, report, thresholds and exit codes as a run of saga-sim's own services.
 */
export class TargetRunEngine extends EngineControls implements Engine {
  constructor(private readonly options: RunOptions) {
    super();
    if (options.services === 'external') throw new UsageError('--target and --services external do not go together: a target runs its own services');
  }

  private guard(): void {
    if (this.options.signal?.aborted) throw new InterruptedError('interrupted');
  }

  async run(): Promise<Report> {
    const { scenario, natsUrl, signal } = this.options;
    if (!natsUrl) throw new UsageError('--target needs --nats-url: the NATS server the target\'s services use, where saga-sim watches the saga');
    const config = scenario.target ?? TargetSchema.parse({});
    const cleanups = new Cleanups();
    const cpuAtStart = process.cpuUsage();
    const onAbort = () => this.abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.enter('starting-broker');
      const broker = await startBroker({ natsUrl, name: 'saga-sim-target', names: DESIGN_NAMES }, cleanups);
      this.emit({ type: 'broker', broker: broker.info });
      void (async () => {
        for await (const s of broker.nc.status()) this.connection = connectionStateOf(s.type) ?? this.connection;
      })();
      this.enter('provisioning');
      const catalogue = buildCatalogue(scenario);
      const index = new Map(catalogue.map((p, i) => [p.id, i]));
      const url = this.options.target ?? config.url;
      const http = url ? new HttpOrderEntry(url, config, index) : undefined;
      if (!http && (config.order.via === 'http' || config.check)) throw new UsageError("the target's URL is missing: give --target <url> or target.url in the scenario");
      if (http) cleanups.add(() => http.close());
      const entry: OrderEntry = config.order.via === 'nats' ? new NatsOrderEntry(broker.nc, config, index) : (http as HttpOrderEntry);
      await (http ?? entry).probe();
      const mapping = new EventMapping(config.events);
      const source = createOrderSource(scenario, catalogue);
      const plan = loadPlan(scenario, source.scriptedIds.length);
      this.emit({ type: 'start', info: { scenario: scenario.name, seed: scenario.seed, topology: scenario.topology, delivery: scenario.delivery, planned: plan.planned, rate: scenario.orders.rate } });
      const watch = new SagaWatch(scenario, new Set(), (at) => this.load?.finished?.(at));
      const entries: Entries = { entry, sentAt: new Map(), pending: 0, placed: [], answered: condition(() => entries.pending === 0) };
      const owed = new Set<string>();
      const compensated = condition(() => owed.size === 0);
      const late = { count: 0, listed: [] as string[] };
      const intake = new TargetIntake(mapping, watch.observer, (id) => watch.outcomes.placed(id), ({ orderId: id, type }) => {
        if (owesCompensation(watch, id)) owed.add(id);
        else owed.delete(id);
        compensated.poke();
        if (isTerminalType(type)) tooLate(entries, id, scenario.saga.timeout, late);
      });
      await intake.start(broker.nc);
      cleanups.add(async () => intake.stop());
      const loaded = await this.runLoad(watch, intake, entries, plan, source.next, cleanups);
      await this.drain(watch, entries, compensated);
      intake.sweep(true);
      this.enter('verifying');
      const statusChecks = config.check && http ? await checkStatuses(http, config.check, entries.placed, watch) : undefined;
      const invariants = checkTarget({ late, sagaTimeoutMs: scenario.saga.timeout, entry: entry.stats(), placed: entries.placed, observed: watch.observer.book, publishes: (t) => mapping.has(t), foreign: watch.observer.foreign, statusChecks });
      const report = buildReport({
        scenario,
        broker: broker.info,
        brokerUsage: null,
        startedAt: loaded.startedAt,
        loadStart: loaded.loadStart,
        endedAt: now(),
        interrupted: this.interrupted,
        stoppedEarly: this.loadStopped,
        sent: watch.sent,
        invariants,
        lostCreated: 0,
        settlement: { graceMs: 0, settled: 0 },
        outcomes: watch.outcomes,
        observer: watch.observer,
        orderStatus: new Map(),
        services: Object.fromEntries(SERVICE_NAMES.map((n) => [n, emptyStats()])) as Report['services'],
        target: targetReport(entry.url, entry, statusChecks, config.successRate, watch),
        thresholds: [...scenario.thresholds, ...(this.options.thresholds ?? [])],
        load: (this.load as LoadLoop).stats(),
        faults: [],
        cpuAtStart,
        loopBusy: {},
        threads: null,
        heap: this.options.heap ?? 'fast',
        warmupMs: this.options.warmupMs ?? 0,
        timeline: this.timeline.points,
      });
      this.enter('done');
      this.emit({ type: 'done', report });
      return report;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await cleanups.run();
    }
  }

  private async runLoad(watch: SagaWatch, intake: TargetIntake, entries: Entries, plan: ReturnType<typeof loadPlan>, next: (seq: number) => PlaceOrder, cleanups: Cleanups) {
    const { scenario } = this.options;
    this.enter('loading');
    const startedAt = now();
    startSnapshots(
      { intervalMs: this.options.snapshotIntervalMs ?? 100, startedAt, planned: plan.planned, rate: scenario.orders.rate, watch, services: new Map(), phase: () => this.phase, load: () => this.load, connection: () => this.connection, emit: (event) => this.emit(event) },
      cleanups,
    );
    const sweeper = setInterval(() => intake.sweep(), 1000);
    cleanups.add(async () => clearInterval(sweeper));
    const timer = preciseSendTimes(this.options.heap ?? 'fast') ? preciseTimer() : coarseTimer();
    await timer.ready();
    cleanups.add(() => timer.close());
    const loadStart = startedAt + START_LEAD_MS;
    watch.outcomes.recordFrom = loadStart + (this.options.warmupMs ?? 0);
    const enter = (order: PlaceOrder, intendedAt: number, sentAt: number) => {
      entries.pending++;
      void entries.entry.place(order).then((entered) => {
        entries.pending--;
        if (entered.ok) {
          // Latency still counts from the intended send: the wait for the POST is part of it.
          watch.placed([{ ...order, orderId: entered.targetId }], [intendedAt], sentAt);
          entries.placed.push(entered.targetId);
          entries.sentAt.set(entered.targetId, sentAt);
          intake.claim(entered.targetId);
          watch.ended.poke();
        } else this.load?.finished?.(now());
        entries.answered.poke();
      });
    };
    const callbacks = {
      startAt: loadStart,
      timer,
      inFlight: () => watch.inFlight + entries.pending,
      next,
      stopped: () => this.loadStopped || this.abort.signal.aborted,
      place: (orders: PlaceOrder[], intendedAt: number[], sentAt: number) => orders.forEach((o, i) => enter(o, intendedAt[i] as number, sentAt)),
    };
    const limits = { count: plan.count, durationMs: plan.durationMs, maxInFlight: plan.kind === 'open' ? (plan.maxInFlight ?? IN_FLIGHT_GUARD) : undefined, mustSend: 0 };
    this.load = plan.kind === 'open' ? startOpenLoop(plan.arrivals, limits, callbacks) : startClosedLoop(plan.concurrency, plan.thinkMs, limits, callbacks);
    this.abort.signal.addEventListener('abort', () => this.load?.wake(), { once: true });
    await this.load.done;
    this.guard();
    return { startedAt, loadStart };
  }

  private async drain(watch: SagaWatch, entries: Entries, compensated: ReturnType<typeof condition>): Promise<void> {
    const { scenario } = this.options;
    this.enter('draining');
    const start = now();
    await entries.answered.wait(scenario.drainTimeout, this.abort.signal);
    await watch.ended.wait(Math.max(0, scenario.drainTimeout - (now() - start)), this.abort.signal);
    await compensated.wait(Math.min(COMPENSATION_WAIT_MS, Math.max(0, scenario.drainTimeout - (now() - start))), this.abort.signal);
    this.guard();
  }
}

/** A saga that ended later than the saga timeout after its order went out. */
function tooLate(entries: Entries, orderId: string, timeoutMs: number, late: { count: number; listed: string[] }): void {
  const sentAt = entries.sentAt.get(orderId);
  if (sentAt === undefined) return;
  entries.sentAt.delete(orderId);
  const tookMs = now() - sentAt;
  if (tookMs <= timeoutMs) return;
  late.count++;
  if (late.listed.length < 5) late.listed.push(`${orderId}: ended after ${Math.round(tookMs)} ms`);
}

/** A failure after a hold whose undo has not crossed NATS yet. */
function owesCompensation(watch: SagaWatch, orderId: string): boolean {
  const counts = watch.observer.book.orders.get(orderId)?.counts ?? {};
  const has = (t: keyof typeof counts) => (counts[t] ?? 0) > 0;
  return (has('payment.failed.v1') && has('inventory.reserved.v1') && !has('inventory.released.v1')) || (has('inventory.failed.v1') && has('payment.confirmed.v1') && !has('payment.refunded.v1'));
}

function targetReport(url: string, entry: OrderEntry, statusChecks: { checked: number; mismatches: string[] } | undefined, expected: number | undefined, watch: SagaWatch): TargetReport {
  // Payments, not orders: a stock failure cancels an order whatever its payment did.
  const book = watch.observer.book;
  const confirmed = book.count('payment.confirmed.v1');
  const total = confirmed + book.count('payment.failed.v1');
  const ci = wilson(confirmed, total);
  return {
    url,
    entry: entry.stats(),
    check: statusChecks ? { checked: statusChecks.checked, mismatched: statusChecks.mismatches.length } : null,
    successRate: expected === undefined ? null : { expected, observed: total === 0 ? 0 : confirmed / total, ci, within: expected >= ci[0] && expected <= ci[1] },
  };
}
