import { Worker } from 'node:worker_threads';
import { ServiceCrashedError } from '../errors.js';
import { workerYoungGenerationMb } from './heap.js';
import type { PlaceOrder } from './order/logic.js';
import { CRASH_AFTER_COMMIT_EXIT, emptyStats, unreachable, type FromWorker, type ToWorker, type WorkerConfig, type WorkerStats } from './protocol.js';
import type { ServiceName, ServiceSnapshot } from './service.js';
import { Replies } from './replies.js';
import { SettleRequests } from './settle-requests.js';
import type { ServiceHandle, ServiceStatus } from './handle.js';

/** Default time a worker has to connect and bind its consumer. */
export const DEFAULT_READY_TIMEOUT_MS = 15_000;

/**
 * Starts the worker entry next to this module. The built package runs plain JS. Under the test
 * runner the sources are TypeScript: Node 20 does not apply `--import` hooks to a worker's own
 * entry, so a one-line bootstrap registers tsx and then imports the entry.
 */
function spawnWorker(workerData: WorkerConfig): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: workerYoungGenerationMb(workerData.heap) };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker-main.js', import.meta.url), { workerData, resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker-main.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData, resourceLimits });
}

/** The main thread's handle on one service worker, across the restarts a crash fault causes. */
export class ServiceWorker implements ServiceHandle {
  readonly name: ServiceName;
  status: ServiceStatus = 'starting';
  /** Times this service was crashed by a fault and started again. */
  restarts = 0;
  private worker: Worker;
  /** Counters of the workers a crash fault ended, added to the live worker's. */
  private previous: WorkerStats = emptyStats();
  private current: WorkerStats = emptyStats();
  private readonly waiters = new Map<FromWorker['type'], { resolve: (msg: FromWorker) => void; reject: (e: Error) => void }[]>();
  private crashed: ServiceCrashedError | undefined;
  private stopping = false;
  /** While a crashed worker is down: messages wait here, as a client would queue its requests. */
  private down: ToWorker[] | undefined;
  /** Settle requests not yet answered: a crash may lose them, so the next worker gets them again. */
  private readonly settles = new SettleRequests();
  private readonly submits = new Replies<void>();
  /** Set while a crash-after-commit fault waits for the worker to end itself. */
  private expectedExit: (() => void) | undefined;

  /** `settledIds`: the sagas settled so far, which a restarted worker drops once it has loaded. */
  constructor(
    private readonly config: WorkerConfig,
    private readonly onCrash: (error: ServiceCrashedError) => void,
    private readonly settledIds: () => string[] = () => [],
  ) {
    this.name = config.service;
    this.worker = this.spawn();
  }

  /** Cumulative counters over every worker of this service. */
  get stats(): WorkerStats {
    const sum = { ...this.previous };
    for (const key of Object.keys(sum) as (keyof WorkerStats)[]) sum[key] += this.current[key];
    return sum;
  }

  private spawn(settled: string[] = []): Worker {
    const worker = spawnWorker({ ...this.config, settled });
    worker.on('message', (msg: FromWorker) => {
      // An answer to a settle request counts whichever worker gave it, even one killed since. Anything
      // else from a killed worker is stale: its last stats would be counted twice.
      if (msg.type === 'settled') this.settles.answer(msg.id, msg.snapshot);
      else if (msg.type === 'submitted') this.submits.answer(msg.id, msg.error === undefined ? { value: undefined } : { error: new Error(msg.error) });
      else if (worker === this.worker && !this.down) this.receive(msg);
    });
    worker.on('error', (error) => {
      if (worker === this.worker) this.crash(`crashed: ${error.message}`, error);
    });
    worker.on('exit', (code) => {
      if (worker === this.worker && code === CRASH_AFTER_COMMIT_EXIT && this.expectedExit) return this.expectedExit();
      if (worker === this.worker && !this.stopping && !this.down) this.crash(`exited unexpectedly with code ${code}`);
    });
    return worker;
  }

  private send(msg: ToWorker): void {
    if (this.down) this.down.push(msg);
    else this.worker.postMessage(msg);
  }

  placeOrders(orders: PlaceOrder[]): void {
    this.send({ type: 'place-orders', orders });
  }

  submit(order: PlaceOrder, timeoutMs = 10_000): Promise<void> {
    if (this.crashed) return Promise.reject(this.crashed);
    const { id, reply } = this.submits.add(timeoutMs, () => new Error(`${this.name} service: order ${order.orderId} not stored and published within ${timeoutMs} ms`));
    this.send({ type: 'submit', id, order });
    return reply;
  }

  stall(ms: number): void {
    this.send({ type: 'stall', ms });
  }

  pause(ms: number): void {
    this.send({ type: 'pause', ms });
  }

  /**
   * The crash fault: terminates the worker thread at once, as kill -9 would a process. Whatever it
   * held in memory is gone; what it stored (KV state, acked messages) is not.
   */
  async kill(): Promise<void> {
    if (this.down || this.stopping) return;
    this.goneDown();
    await this.worker.terminate();
  }

  crashAfterCommit(): Promise<void> {
    if (this.down || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.expectedExit = () => {
        this.expectedExit = undefined;
        this.goneDown();
        resolve();
      };
      this.worker.postMessage({ type: 'crash-after-commit' } satisfies ToWorker);
    });
  }

  /** Down after a fault: messages queue for the next worker, and the dead one's counters are kept. */
  private goneDown(): void {
    this.down = [];
    this.status = 'restarting';
    this.previous = this.stats;
    this.current = emptyStats();
  }

  /** Starts a new worker on the same configuration; it loads the stored state before it is ready. */
  async restart(timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    if (!this.down || this.stopping) return;
    this.restarts++;
    this.status = 'starting';
    const queued = this.down;
    this.worker = this.spawn(this.settledIds());
    this.down = undefined;
    await this.ready(timeoutMs);
    for (const { id, orderIds } of this.settles.unanswered()) this.worker.postMessage({ type: 'settle', id, orderIds } satisfies ToWorker);
    // Every snapshot still awaited is asked again, as settle requests are: one the killed worker took
    // but never answered (its late answer, if any, is ignored as stale), and one asked while it was down.
    for (const _ of this.waiters.get('snapshot') ?? []) this.worker.postMessage({ type: 'snapshot' } satisfies ToWorker);
    for (const msg of queued) this.worker.postMessage(msg);
  }

  ready(timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    return this.next('ready', timeoutMs).then(() => undefined);
  }

  async snapshot(timeoutMs = 10_000): Promise<ServiceSnapshot> {
    const reply = this.next('snapshot', timeoutMs);
    // While the worker is down, the restart asks every snapshot still awaited.
    if (!this.down) this.worker.postMessage({ type: 'snapshot' } satisfies ToWorker);
    const msg = await reply;
    if (msg.type !== 'snapshot') throw new Error('unexpected reply');
    return msg.snapshot;
  }

  /**
   * Hands over the records of these settled sagas and has the worker drop them. Waits through a
   * crash fault's restart, so the timeout is long.
   */
  settle(orderIds: string[], timeoutMs = 120_000): Promise<ServiceSnapshot> {
    if (this.crashed) return Promise.reject(this.crashed);
    const { id, reply } = this.settles.add(orderIds, timeoutMs, () => new ServiceCrashedError(`${this.name} service: no settled within ${timeoutMs} ms`));
    // While the worker is down, the restart sends every request still open.
    if (!this.down) this.worker.postMessage({ type: 'settle', id, orderIds } satisfies ToWorker);
    return reply;
  }

  /** Drains the worker's connection and ends the thread; terminates it if it does not stop in time. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (!this.down) {
      const stopped = this.next('stopped', timeoutMs).catch(() => undefined);
      this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
      await stopped;
    }
    await this.worker.terminate();
    if (this.status !== 'crashed') this.status = 'stopped';
  }

  private receive(msg: Exclude<FromWorker, { type: 'settled' | 'submitted' }>): void {
    switch (msg.type) {
      case 'stats':
      case 'stopped':
        this.current = msg.stats;
        break;
      case 'fatal':
        this.crash(msg.message);
        return;
      case 'ready':
        this.status = 'running';
        break;
      case 'snapshot':
        break;
      default:
        unreachable(msg);
    }
    this.waiters.get(msg.type)?.shift()?.resolve(msg);
  }

  private next(type: FromWorker['type'], timeoutMs: number): Promise<FromWorker> {
    if (this.crashed) return Promise.reject(this.crashed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ServiceCrashedError(`${this.name} service: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(type) ?? [];
      list.push({
        resolve: (msg) => {
          clearTimeout(timer);
          resolve(msg);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.waiters.set(type, list);
    });
  }

  private crash(message: string, cause?: unknown): void {
    if (this.stopping) return;
    this.stopping = true;
    void this.worker.terminate();
    this.status = 'crashed';
    this.crashed = new ServiceCrashedError(`${this.name} service ${message}`, { cause });
    for (const list of this.waiters.values()) for (const waiter of list.splice(0)) waiter.reject(this.crashed);
    this.settles.failAll(this.crashed);
    this.submits.failAll(this.crashed);
    this.onCrash(this.crashed);
  }
}
