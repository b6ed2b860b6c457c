import type { PlaceOrder } from './order/logic.js';
import type { WorkerStats } from './protocol.js';
import type { ServiceName, ServiceSnapshot } from './service.js';

/** restarting: down after a crash fault, waiting to be started again. crashed: failed the run. */
export type ServiceStatus = 'starting' | 'running' | 'restarting' | 'stopped' | 'crashed';

/**
 * The engine's hold on one running service, wherever it runs: a worker thread of this process
 * (worker-handle.ts) or a process of its own reached over NATS. Settle and snapshot answers wait
 * through a crash fault's restart.
 */
export interface ServiceHandle {
  readonly name: ServiceName;
  readonly status: ServiceStatus;
  /** Times this service was crashed by a fault and started again. */
  readonly restarts: number;
  /** Cumulative counters over every instance of this service. */
  readonly stats: WorkerStats;
  ready(timeoutMs?: number): Promise<void>;
  placeOrders(orders: PlaceOrder[]): void;
  /** Places one order and resolves once it is stored and its order.created published (the HTTP API's POST). */
  submit(order: PlaceOrder, timeoutMs?: number): Promise<void>;
  snapshot(timeoutMs?: number): Promise<ServiceSnapshot>;
  /** Hands over the records of these settled sagas and has the service drop them. */
  settle(orderIds: string[], timeoutMs?: number): Promise<ServiceSnapshot>;
  /** The stall fault: block the service's thread this long. */
  stall(ms: number): void;
  /** The slow fault: take no messages this long. */
  pause(ms: number): void;
  /** The crash fault: end the service at once, as kill -9 would. */
  kill(): Promise<void>;
  /**
   * The crash-after-commit fault: the service ends itself right after its next commit, before it
   * publishes; resolves once it has. Only services this run starts.
   */
  crashAfterCommit?(): Promise<void>;
  /** Starts it again on the same configuration, from its stored state. */
  restart(timeoutMs?: number): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
}
