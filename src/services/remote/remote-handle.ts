import type { NatsConnection } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import { ServiceCrashedError, UsageError } from '../../errors.js';
import type { InstanceWork } from '../../report/report.js';
import type { ServiceHandle, ServiceStatus } from '../handle.js';
import type { PlaceOrder } from '../order/logic.js';
import { emptyStats, type WorkerStats } from '../protocol.js';
import type { ServiceName, ServiceSnapshot } from '../service.js';
import { controlSubjects, decode, encode, mergeSnapshots, type InstanceReply, type InstanceRequest, type Pong } from './control.js';

/** How often the instances are pinged (their stats, and who is still there). */
const PING_INTERVAL_MS = 500;
/** How long a ping collects answers. */
const PING_WAIT_MS = 300;
/** Instances that miss this many pings in a row are taken for gone. */
const MISSED_PINGS = 4;
/** Saga ids per settle request: a reply carries their records, and a NATS message is at most max_payload. */
const SETTLE_CHUNK = 500;

/**
 * A service running elsewhere, as one or more `saga-sim service` processes found over NATS. Its
 * stats are the sum over every instance seen (a vanished one keeps its last counters); snapshots
 * and settle answers are merged from every live instance.
 */
export class RemoteService implements ServiceHandle {
  status: ServiceStatus = 'starting';
  readonly restarts = 0;
  private readonly subjects;
  private readonly live = new Map<string, { pong: Pong; missed: number }>();
  private readonly gone = new Map<string, Pong>();
  /** Each instance's counters when this run first saw it, before the run: the run's work is what they grew by. */
  private readonly before = new Map<string, WorkerStats>();
  private timer: NodeJS.Timeout | undefined;
  private failed: ServiceCrashedError | undefined;

  constructor(
    private readonly nc: NatsConnection,
    names: RunNames,
    readonly name: ServiceName,
    private readonly onCrash: (error: ServiceCrashedError) => void,
    /** An instance joined or left while the run watched: shown with the run's warnings. */
    private readonly notice: (message: string) => void = () => undefined,
  ) {
    this.subjects = controlSubjects(names, name);
  }

  /** The instances answering now, by id. */
  get instances(): Pong[] {
    return [...this.live.values()].map((i) => i.pong);
  }

  /** The work of each instance seen in this run, the ones that stopped answering included. */
  work(): InstanceWork[] {
    const of = (pong: Pong, gone: boolean): InstanceWork => {
      const { handled, published, redelivered, stateWrites } = this.grown(pong);
      return { service: this.name, id: pong.id, host: pong.host, pid: pong.pid, handled, published, redelivered, stateWrites, gone };
    };
    return [...this.instances.map((p) => of(p, false)), ...[...this.gone.values()].map((p) => of(p, true))];
  }

  get stats(): WorkerStats {
    const sum = emptyStats();
    for (const pong of [...this.instances, ...this.gone.values()]) {
      const grown = this.grown(pong);
      for (const key of Object.keys(sum) as (keyof WorkerStats)[]) sum[key] += grown[key];
    }
    return sum;
  }

  /** What an instance's counters grew by since this run first saw it. */
  private grown(pong: Pong): WorkerStats {
    const before = this.before.get(pong.id);
    if (!before) return pong.stats;
    const grown = { ...pong.stats };
    for (const key of Object.keys(grown) as (keyof WorkerStats)[]) grown[key] -= before[key] ?? 0;
    return grown;
  }

  async ready(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.live.size === 0) {
      await this.ping();
      if (this.live.size > 0) break;
      if (Date.now() > deadline) throw new ServiceCrashedError(`no ${this.name} service answered on NATS within ${timeoutMs} ms; start one with: saga-sim service ${this.name} --nats-url …`);
    }
    this.status = 'running';
    this.timer = setInterval(() => void this.ping(), PING_INTERVAL_MS);
  }

  placeOrders(orders: PlaceOrder[]): void {
    this.nc.publish(this.subjects.place, encode({ orders }));
  }

  async submit(order: PlaceOrder, timeoutMs = 10_000): Promise<void> {
    const reply = decode((await this.nc.request(this.subjects.submit, encode({ order }), { timeout: timeoutMs })).data) as InstanceReply;
    if (!reply.ok) throw new Error(reply.error);
  }

  async snapshot(): Promise<ServiceSnapshot> {
    return mergeSnapshots(this.name, await this.each({ op: 'snapshot' }));
  }

  async settle(orderIds: string[]): Promise<ServiceSnapshot> {
    const parts: ServiceSnapshot[] = [];
    for (let i = 0; i < orderIds.length; i += SETTLE_CHUNK) parts.push(...(await this.each({ op: 'settle', orderIds: orderIds.slice(i, i + SETTLE_CHUNK) })));
    return mergeSnapshots(this.name, parts);
  }

  stall(ms: number): void {
    void this.each({ op: 'stall', ms }).catch(() => undefined);
  }

  pause(ms: number): void {
    void this.each({ op: 'pause', ms }).catch(() => undefined);
  }

  kill(): Promise<void> {
    return Promise.reject(new UsageError(`crash faults need services this run starts; ${this.name} runs elsewhere (--services external)`));
  }

  restart(): Promise<void> {
    return this.kill();
  }

  /** Stops watching, with the instances' final counters; the services themselves are not this run's to stop. */
  async stop(): Promise<void> {
    if (this.status === 'stopped') return;
    clearInterval(this.timer);
    if (this.status === 'running') await this.ping();
    if (this.status !== 'crashed') this.status = 'stopped';
  }

  /** Asks every live instance; one that does not answer is taken for gone, and none left fails the run. */
  private async each(request: InstanceRequest): Promise<ServiceSnapshot[]> {
    if (this.failed) throw this.failed;
    const answers = await Promise.all(
      [...this.live.keys()].map(async (id) => {
        try {
          const reply = decode((await this.nc.request(this.subjects.instance(id), encode(request), { timeout: 10_000 })).data) as InstanceReply;
          if (!reply.ok) throw new ServiceCrashedError(`${this.name} service ${id}: ${reply.error}`);
          return reply.snapshot;
        } catch (error) {
          if (error instanceof ServiceCrashedError) throw error;
          this.lose(id);
          return undefined;
        }
      }),
    );
    if (this.live.size === 0) this.crash(`every ${this.name} service instance is gone`);
    if (this.failed) throw this.failed;
    return answers.filter((a): a is ServiceSnapshot => a !== undefined);
  }

  private async ping(): Promise<void> {
    const seen = new Set<string>();
    try {
      for await (const msg of await this.nc.requestMany(this.subjects.ping, undefined, { strategy: 'timer', maxWait: PING_WAIT_MS })) {
        const pong = decode(msg.data) as Pong;
        seen.add(pong.id);
        if (this.status === 'running' && !this.live.has(pong.id)) this.notice(`${this.name} service instance ${pong.id} (pid ${pong.pid} on ${pong.host}) joined`);
        // Up before the run: what it did before is not the run's.
        if (this.status === 'starting' && !this.before.has(pong.id)) this.before.set(pong.id, pong.stats);
        this.live.set(pong.id, { pong, missed: 0 });
        this.gone.delete(pong.id);
      }
    } catch {
      // No responders (none up yet, or the broker restarting): counted as a missed ping below.
    }
    for (const [id, instance] of this.live) if (!seen.has(id) && ++instance.missed >= MISSED_PINGS) this.lose(id);
    if (this.status === 'running' && this.live.size === 0) this.crash(`every ${this.name} service instance stopped answering`);
  }

  private lose(id: string): void {
    const instance = this.live.get(id);
    if (!instance) return;
    this.live.delete(id);
    this.gone.set(id, instance.pong);
    this.notice(`${this.name} service instance ${id} (pid ${instance.pong.pid} on ${instance.pong.host}) stopped answering; ${this.live.size} left, which take its unacknowledged messages`);
  }

  private crash(message: string): void {
    if (this.failed) return;
    clearInterval(this.timer);
    this.status = 'crashed';
    this.failed = new ServiceCrashedError(message);
    this.onCrash(this.failed);
  }
}
