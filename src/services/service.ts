import type { SagaEvent } from '../events/schema.js';
import type { EventType } from '../events/subjects.js';
import type { StockLevel, StockLine } from './inventory/stock.js';
import type { OrderStatus, PlaceOrder } from './order/logic.js';
import type { Outgoing } from './outgoing.js';
import type { Transaction } from './payment/logic.js';
import type { CancelReason } from '../events/schema.js';

export const SERVICE_NAMES = ['order', 'payment', 'inventory'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The state a service exposes after a run, for the invariant checks. */
export type ServiceSnapshot =
  | { service: 'order'; orders: { orderId: string; status: OrderStatus; reason?: CancelReason }[] }
  | { service: 'payment'; transactions: Transaction[] }
  | {
      service: 'inventory';
      initial: Record<string, number>;
      stock: Record<string, StockLevel>;
      reservations: { orderId: string; items: StockLine[]; released: boolean }[];
    };

/**
 * What handling one input produced: events to publish, and (with a durable store) the write they
 * must wait for. The shell publishes only after `saved` resolves and acknowledges only after that.
 */
export interface Handled {
  emit: Outgoing[];
  saved?: Promise<unknown> | undefined;
}

/** A service over a record store. The worker shell feeds it events; it never touches NATS itself. */
export interface Service {
  readonly name: ServiceName;
  /** Event types this service reacts to; anything else is acknowledged and ignored. */
  readonly consumes: readonly EventType[];
  /**
   * `redelivered`: the broker delivers this message again, so its first handling may have stored
   * the state but died before publishing. Every event the record stands for is then re-emitted;
   * the message ids let JetStream drop the copies that did go out.
   */
  handle(event: SagaEvent, redelivered?: boolean): Handled;
  /** Only the order service accepts commands from the load generator. `now` is epoch ms. */
  place?(cmd: PlaceOrder, now: number): Handled;
  /** Time-driven work (saga timeouts); called by the shell with the current epoch ms. */
  tick?(now: number): Handled;
  snapshot(): ServiceSnapshot;
  /** The snapshot of these settled sagas only; their records are then dropped from memory. */
  release(orderIds: readonly string[]): ServiceSnapshot;
  /**
   * Reads the stored records of these sagas that another instance of this service handled (shared
   * KV state), so that a release answers for them too. Absent where records derive state (stock).
   */
  load?(orderIds: readonly string[]): Promise<void>;
  /** Closes the service's store at a clean stop, while the broker connection is still open. */
  close?(): Promise<void>;
  /** A revision conflict replaced a record with the stored one: state derived from records must follow. */
  replaced?(before: unknown, after: unknown): void;
}

/** Waits for every write, or for none when there are none. */
export function allSaved(writes: (Promise<unknown> | undefined)[]): Promise<unknown> | undefined {
  const pending = writes.filter((w) => w !== undefined);
  return pending.length === 0 ? undefined : pending.length === 1 ? pending[0] : Promise.all(pending);
}
