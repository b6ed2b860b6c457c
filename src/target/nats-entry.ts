import type { NatsConnection } from '@nats-io/transport-node';
import type { TargetConfig } from '../scenario/target-schema.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { EntryTally, type Entered, type EntryStats, type OrderEntry } from './entry-tally.js';
import { readId } from './json-path.js';
import { orderBody } from './order-body.js';

const decoder = new TextDecoder();

/**
 * Places orders with a NATS message on the target's subject: a request whose reply carries the
 * new order's id, or (reply false) a publish whose body carries saga-sim's own id for the order.
 */
export class NatsOrderEntry implements OrderEntry {
  private readonly tally = new EntryTally();
  readonly url: string;

  constructor(
    private readonly nc: NatsConnection,
    private readonly config: TargetConfig,
    private readonly productIndex: ReadonlyMap<string, number>,
  ) {
    this.url = `nats:${config.order.subject}`;
  }

  /** The connection is the run's own, already up; a request's first answer shows the rest. */
  async probe(): Promise<void> {}

  place(order: PlaceOrder): Promise<Entered> {
    return this.tally.time(() => this.send(order));
  }

  private async send(order: PlaceOrder): Promise<Entered> {
    const { subject, reply, timeout, orderId } = this.config.order;
    const body = orderBody(this.config, order, this.productIndex);
    if (!reply) {
      this.nc.publish(subject as string, body);
      return { ok: true, targetId: order.orderId };
    }
    try {
      const msg = await this.nc.request(subject as string, body, { timeout });
      const text = decoder.decode(msg.data);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const id = readId(json, orderId);
      return id ? { ok: true, targetId: id } : { ok: false, kind: 'no_order_id', detail: `reply without ${orderId}: ${text}` };
    } catch (error) {
      const message = (error as Error).message;
      return { ok: false, kind: /timeout/i.test(message) ? 'timeout' : 'unreachable', detail: message };
    }
  }

  stats(): EntryStats {
    return this.tally.stats();
  }

  async close(): Promise<void> {}
}
