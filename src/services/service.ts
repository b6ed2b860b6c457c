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

/** A service with its state in memory. The worker shell feeds it events; it never touches NATS. */
export interface Service {
  readonly name: ServiceName;
  /** Event types this service reacts to; anything else is acknowledged and ignored. */
  readonly consumes: readonly EventType[];
  handle(event: SagaEvent): Outgoing[];
  /** Only the order service accepts commands from the load generator. `now` is epoch ms. */
  place?(cmd: PlaceOrder, now: number): Outgoing[];
  /** Time-driven work (saga timeouts); called by the shell with the current epoch ms. */
  tick?(now: number): Outgoing[];
  snapshot(): ServiceSnapshot;
}
