import type { PlaceOrder } from '../services/order/logic.js';

/**
 * Placed orders whose order.created.v1 has not crossed NATS yet. When the order service crashes,
 * those it held are in doubt; after its restart, the ones still unconfirmed are placed again, as
 * a client retries after a failover. Placing a stored order again only re-emits its created
 * event, which JetStream de-duplicates. Orders sent while it was down were queued, not lost.
 */
export class UnconfirmedOrders {
  private readonly waiting = new Map<string, PlaceOrder>();
  private inDoubt = new Map<string, PlaceOrder>();

  placed(order: PlaceOrder): void {
    this.waiting.set(order.orderId, order);
  }

  created(orderId: string): void {
    this.waiting.delete(orderId);
  }

  /** The order service is about to die: what it holds unconfirmed now is in doubt. */
  crashing(): void {
    this.inDoubt = new Map(this.waiting);
  }

  /** The order service is back: the orders to place again. */
  toRetry(): PlaceOrder[] {
    const retry = [...this.inDoubt.values()].filter((o) => this.waiting.has(o.orderId));
    this.inDoubt = new Map();
    return retry;
  }
}
