import { jetstreamManager } from '@nats-io/jetstream';
import { RunNames } from '../../broker/names.js';
import { BrokerUnavailableError, InterruptedError, ServiceCrashedError, UsageError } from '../../errors.js';
import { loadPlan } from '../../load/plan.js';
import { mergeReports } from '../../report/merge-reports.js';
import type { Report } from '../../report/report.js';
import { RemoteService } from '../../services/remote/remote-handle.js';
import type { ServiceName } from '../../services/service.js';
import { stockConserved, type InvariantResult } from '../../verify/invariants.js';
import { Cleanups } from '../cleanups.js';
import { condition, now } from '../clock.js';
import { EngineControls } from '../engine-controls.js';
import type { Engine } from '../events.js';
import type { RunOptions } from '../run-options.js';
import { findServices, startBroker, type Broker } from '../stack.js';
import { scenarioDigest } from './messages.js';
import { progressSnapshot, shares } from './progress.js';
import { GeneratorRoll, type Member } from './roll.js';

/** How long the coordinator waits for the generators it expects. */
export const GATHER_TIMEOUT_MS = 300_000;
/** How long it waits for the started generators' reports, beyond the scenario's own length and drain. */
const REPORT_SLACK_MS = 120_000;
const SNAPSHOT_INTERVAL_MS = 250;

export const REPORTED = 'every generator that started handed its part in';

export interface CoordinatorOptions {
  runId: string;
  generators: number;
  gatherTimeoutMs?: number;
}

/**
 * A distributed run's coordinator (--role coordinator): it starts the run when the generators it
 * expects have joined, shows their combined progress, and writes one report from theirs, with the
 * checks that span every generator's orders (stock) made over the services' final state. It
 * places no orders and builds nothing NATS does not give: roll calls, requests and publishes.
 */
export class CoordinatorEngine extends EngineControls implements Engine {
  private readonly names: RunNames;
  private roll: GeneratorRoll | undefined;
  private crash: ServiceCrashedError | undefined;

  constructor(
    private readonly options: RunOptions,
    private readonly coordinator: CoordinatorOptions,
  ) {
    super();
    this.names = new RunNames({ id: options.namespace?.id ?? '', subjectPrefix: options.namespace?.subjectPrefix ?? '' });
  }

  async run(): Promise<Report> {
    const cleanups = new Cleanups();
    const onAbort = () => this.abort.abort();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const broker = await this.connect(cleanups);
      // The roll call starts first: generators that join while the services are looked for hear why, should that fail.
      this.callRoll(broker, cleanups);
      const services = await this.findServices(broker, cleanups);
      const started = await this.gather();
      const startedAt = await this.follow(started, services);
      return await this.verify(broker, started, services, startedAt);
    } catch (error) {
      await this.abortGenerators((error as Error).message);
      throw error;
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
      await cleanups.run();
    }
  }

  /** Ctrl-C: the generators stop placing orders too, and their sagas drain. */
  override stopLoad(interrupted = true): void {
    super.stopLoad(interrupted);
    for (const member of this.roll?.members.values() ?? []) if (member.index !== undefined && !member.report) void this.roll?.tell(member, { op: 'stop' }).catch(() => undefined);
  }

  /** A coordinator that fails takes its generators down with it, saying why, rather than leave them waiting. */
  private async abortGenerators(why: string): Promise<void> {
    const members = [...(this.roll?.members.values() ?? [])].filter((m) => !m.report && !m.vanished);
    await Promise.all(members.map((m) => this.roll?.tell(m, { op: 'abort', why }).catch(() => undefined)));
  }

  private guard(): void {
    if (this.crash) throw this.crash;
    if (this.abort.signal.aborted) throw new InterruptedError('interrupted');
  }

  private async connect(cleanups: Cleanups): Promise<Broker> {
    const { natsUrl } = this.options;
    this.enter('starting-broker');
    if (!natsUrl) throw new UsageError('--role coordinator needs --nats-url: the server its generators and services use');
    const broker = await startBroker({ natsUrl, names: this.names, name: 'saga-sim-coordinator' }, cleanups);
    this.emit({ type: 'broker', broker: broker.info });
    return broker;
  }

  private async findServices(broker: Broker, cleanups: Cleanups): Promise<Map<ServiceName, RemoteService>> {
    this.enter('starting-services');
    const crashed = (error: ServiceCrashedError) => {
      this.crash ??= error;
      this.abort.abort();
    };
    const services = findServices(broker.nc, this.names, crashed, (message) => this.emit({ type: 'warning', message }), cleanups) as Map<ServiceName, RemoteService>;
    await Promise.all([...services.values()].map((s) => s.ready()));
    this.guard();
    // The services made the streams: the report says in how many copies.
    broker.info.replicas = await jetstreamManager(broker.nc)
      .then((jsm) => jsm.streams.info(this.names.eventsStream))
      .then((info) => info.config.num_replicas)
      .catch(() => 0);
    return services;
  }

  /** Every generator that joined; `all`: as many as expected; `done`: every started one reported or vanished. */
  private readonly all = condition(() => (this.roll?.members.size ?? 0) >= this.coordinator.generators);
  private readonly done = condition(() => [...(this.roll?.members.values() ?? [])].every((m) => m.index === undefined || m.report !== undefined || m.vanished));

  private callRoll(broker: Broker, cleanups: Cleanups): void {
    const { runId, generators: expected } = this.coordinator;
    const say = (message: string) => this.emit({ type: 'notice', message });
    const warn = (message: string) => this.emit({ type: 'warning', message });
    const { all, done } = this;
    this.roll = new GeneratorRoll(broker.nc, this.names, runId, {
      joined: (m) => {
        // Past the generators expected, once they have their parts: one more is sent away, not left waiting.
        if (this.started) return void this.turnAway(m);
        say(`generator ${m.here.id} (pid ${m.here.pid} on ${m.here.host}) joined run ${runId}: ${this.roll?.members.size ?? 0} of ${expected}`);
        all.poke();
      },
      vanished: (m) => {
        warn(`generator ${(m.index ?? 0) + 1} (${m.here.id}, pid ${m.here.pid} on ${m.here.host}) vanished after ${m.progress?.sent ?? 0} orders; the run is incomplete`);
        done.poke();
      },
      reported: () => done.poke(),
      garbled: (subject, why) => warn(`ignored a message on ${subject}: ${why}`),
    });
    this.roll.start();
    cleanups.add(async () => this.roll?.stop());
  }

  /** Waits for the generators expected, checks they run this scenario, and gives each its part. */
  private async gather(): Promise<Member[]> {
    const roll = this.roll as GeneratorRoll;
    const { runId, generators: expected } = this.coordinator;
    const { scenario } = this.options;
    const say = (message: string) => this.emit({ type: 'notice', message });
    const planned = loadPlan(scenario, scenario.script.length).planned;
    this.emit({ type: 'start', info: { scenario: scenario.name, seed: scenario.seed, topology: scenario.topology, delivery: scenario.delivery, planned, rate: scenario.orders.rate } });
    say(`coordinator of run ${runId}: waiting for ${expected} generator${expected === 1 ? '' : 's'} (saga-sim run ${scenario.file} --role generator --run-id ${runId} --nats-url …)`);
    const timeoutMs = this.coordinator.gatherTimeoutMs ?? GATHER_TIMEOUT_MS;
    if (!(await this.all.wait(timeoutMs, this.abort.signal))) {
      this.guard();
      throw new BrokerUnavailableError(`only ${roll.members.size} of ${expected} generators joined run ${runId} within ${Math.round(timeoutMs / 1000)} s; start them with: saga-sim run ${scenario.file} --role generator --run-id ${runId} --nats-url …`);
    }
    const members = [...roll.members.values()].sort((a, b) => a.here.id.localeCompare(b.here.id)).slice(0, expected);
    const digest = scenarioDigest(scenario);
    const odd = members.filter((m) => m.here.digest !== digest);
    if (odd.length > 0) {
      const who = odd.map((m) => `${m.here.id} (pid ${m.here.pid} on ${m.here.host}, scenario ${m.here.scenario})`).join(', ');
      throw new UsageError(`generator ${who} runs other scenario settings than this coordinator's ${scenario.file}; give every process the same file and flags`);
    }
    members.forEach((m, index) => (m.index = index));
    this.started = true;
    for (const m of roll.members.values()) if (m.index === undefined) this.turnAway(m);
    await Promise.all(members.map((m) => roll.tell(m, { op: 'start', index: m.index as number, count: members.length })));
    return members;
  }

  /** Whether the generators expected have their parts. */
  private started = false;

  private turnAway(m: Member): void {
    const { runId, generators } = this.coordinator;
    this.emit({ type: 'warning', message: `generator ${m.here.id} (pid ${m.here.pid} on ${m.here.host}) joined run ${runId} after its ${generators} generators started; it was sent away` });
    void this.roll?.tell(m, { op: 'abort', why: `run ${runId} has its ${generators} generator${generators === 1 ? '' : 's'} already; give this one another --run-id, or start the coordinator with more --generators` }).catch(() => undefined);
  }

  /** Shows the combined progress until every started generator has reported or vanished. */
  private async follow(members: Member[], services: Map<ServiceName, RemoteService>): Promise<number> {
    const startedAt = now();
    this.enter('loading');
    let last = { at: startedAt, sent: 0, finished: 0 };
    const { scenario } = this.options;
    const plan = loadPlan(scenario, scenario.script.length);
    const planned = plan.planned;
    const ticker = setInterval(() => {
      const snapshot = progressSnapshot(members, { phase: this.phase, startedAt, last, services, planned, rate: this.options.scenario.orders.rate });
      last = { at: now(), sent: snapshot.sent, finished: snapshot.confirmed + snapshot.cancelled + snapshot.failed };
      this.emit({ type: 'snapshot', snapshot });
    }, SNAPSHOT_INTERVAL_MS);
    try {
      const limit = (plan.durationMs ?? (plan.planned / Math.max(scenario.orders.rate, 1)) * 1000) + scenario.drainTimeout + REPORT_SLACK_MS;
      await this.done.wait(limit, this.abort.signal);
      this.guard();
    } finally {
      clearInterval(ticker);
    }
    return startedAt;
  }

  private async verify(broker: Broker, members: Member[], services: Map<ServiceName, RemoteService>, startedAt: number): Promise<Report> {
    const { scenario, thresholds } = this.options;
    this.enter('verifying');
    const reports = members.flatMap((m) => (m.report ? [m.report] : []));
    if (reports.length === 0) throw new ServiceCrashedError(`every generator of run ${this.coordinator.runId} vanished before handing its part in`);
    const inventory = await (services.get('inventory') as RemoteService).snapshot();
    const confirmed: Record<string, number> = {};
    for (const r of reports) for (const [id, n] of Object.entries(r.part?.confirmedQuantities ?? {})) confirmed[id] = (confirmed[id] ?? 0) + n;
    const stock = inventory.service === 'inventory' ? [stockConserved(inventory, confirmed)] : [];
    await Promise.all([...services.values()].map((s) => s.stop()));
    const report = mergeReports(reports, {
      scenario: { name: scenario.name, file: scenario.file },
      seed: scenario.seed,
      broker: { ...broker.info, usage: null },
      startedAt: new Date(startedAt).toISOString(),
      durationSeconds: Math.round((now() - startedAt) / 10) / 100,
      services: Object.fromEntries([...services].map(([n, s]) => [n, s.stats])) as Report['services'],
      instances: [...services.values()].flatMap((s) => s.work()),
      generators: shares(members),
      wholeRun: [...stock, reportedAll(members)],
      timeline: this.timeline.points,
      thresholds: [...scenario.thresholds, ...(thresholds ?? [])],
      interrupted: this.interrupted,
    });
    this.enter('done');
    this.emit({ type: 'done', report });
    return report;
  }
}

function reportedAll(members: readonly Member[]): InvariantResult {
  const missing = members.filter((m) => !m.report);
  const listed = missing.map((m) => `generator ${(m.index ?? 0) + 1} (${m.here.id}, pid ${m.here.pid} on ${m.here.host}) vanished after ${m.progress?.sent ?? 0} orders: its sagas are not judged`);
  return missing.length === 0
    ? { name: REPORTED, passed: true, details: `${members.length} of ${members.length} reported` }
    : { name: REPORTED, passed: false, details: `${missing.length} of ${members.length} did not: ${listed.join('; ')}` };
}
