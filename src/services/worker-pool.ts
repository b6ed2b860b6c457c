import { Worker } from 'node:worker_threads';
import { ServiceCrashedError } from '../errors.js';
import type { PlaceOrder } from './order/logic.js';
import { emptyStats, unreachable, type FromWorker, type ToWorker, type WorkerConfig, type WorkerStats } from './protocol.js';
import type { ServiceName, ServiceSnapshot } from './service.js';

/** Default time a worker has to connect and bind its consumer. */
export const DEFAULT_READY_TIMEOUT_MS = 15_000;

/**
 * The worker entry next to this module. Under the test runner the sources are TypeScript,
 * so the worker loads them through tsx; the built package runs plain JS.
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    url: new URL(fromSource ? './worker-main.ts' : './worker-main.js', import.meta.url),
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  };
}

/** The main thread's handle on one service worker. */
export class ServiceWorker {
  readonly name: ServiceName;
  stats: WorkerStats = emptyStats();
  private readonly worker: Worker;
  private readonly waiters = new Map<FromWorker['type'], ((msg: FromWorker) => void)[]>();
  private stopping = false;

  constructor(config: WorkerConfig, private readonly onCrash: (error: ServiceCrashedError) => void) {
    this.name = config.service;
    const entry = workerEntry();
    this.worker = new Worker(entry.url, { workerData: config, execArgv: entry.execArgv });
    this.worker.on('message', (msg: FromWorker) => this.receive(msg));
    this.worker.on('error', (error) => this.crash(`crashed: ${error.message}`, error));
    this.worker.on('exit', (code) => {
      if (!this.stopping) this.crash(`exited unexpectedly with code ${code}`);
    });
  }

  send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  placeOrders(orders: PlaceOrder[]): void {
    this.send({ type: 'place-orders', orders });
  }

  ready(timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    return this.next('ready', timeoutMs).then(() => undefined);
  }

  async snapshot(timeoutMs = 10_000): Promise<ServiceSnapshot> {
    const reply = this.next('snapshot', timeoutMs);
    this.send({ type: 'snapshot' });
    const msg = await reply;
    if (msg.type !== 'snapshot') throw new Error('unexpected reply');
    return msg.snapshot;
  }

  /** Drains the worker's connection and ends the thread; terminates it if it does not stop in time. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const stopped = this.next('stopped', timeoutMs).catch(() => undefined);
    this.send({ type: 'stop' });
    await stopped;
    await this.worker.terminate();
  }

  /** Hard kill, for interrupts. */
  async terminate(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'stats':
      case 'stopped':
        this.stats = msg.stats;
        break;
      case 'fatal':
        this.crash(msg.message);
        return;
      case 'ready':
      case 'snapshot':
        break;
      default:
        unreachable(msg);
    }
    const waiting = this.waiters.get(msg.type);
    const resolve = waiting?.shift();
    resolve?.(msg);
  }

  private next(type: FromWorker['type'], timeoutMs: number): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ServiceCrashedError(`${this.name} service: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(type) ?? [];
      list.push((msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      this.waiters.set(type, list);
    });
  }

  private crash(message: string, cause?: unknown): void {
    if (this.stopping) return;
    this.stopping = true;
    void this.worker.terminate();
    this.onCrash(new ServiceCrashedError(`${this.name} service ${message}`, { cause }));
  }
}
