import type { Topology } from '../outgoing.js';
import type { Service } from '../service.js';
import { expireOrder, ORDER_CONSUMES, placeOrder, reduceOrder, type OrderRecord } from './logic.js';

export interface OrderConfig {
  topology: Topology;
  /** A saga not finished this long after it was placed ends FAILED. */
  sagaTimeoutMs: number;
}

export function createOrderService(config: OrderConfig): Service {
  const records = new Map<string, OrderRecord>();
  // PENDING orders in the order they were placed, so a timeout check stops at the first young one.
  const pending = new Map<string, OrderRecord>();
  const keep = (step: { record: OrderRecord | undefined }) => {
    if (!step.record) return;
    records.set(step.record.orderId, step.record);
    if (step.record.status === 'PENDING') pending.set(step.record.orderId, step.record);
    else pending.delete(step.record.orderId);
  };
  return {
    name: 'order',
    consumes: ORDER_CONSUMES,
    place(cmd, now) {
      const step = placeOrder(records.get(cmd.orderId), cmd, now);
      keep(step);
      return step.emit;
    },
    tick(now) {
      const emit = [];
      for (const record of pending.values()) {
        if (now - record.createdAt < config.sagaTimeoutMs) break;
        const step = expireOrder(record, now, config.sagaTimeoutMs);
        keep(step);
        emit.push(...step.emit);
      }
      return emit;
    },
    handle(event) {
      const step = reduceOrder(records.get(event.orderId), event, config.topology);
      keep(step);
      return step.emit;
    },
    snapshot: () => ({
      service: 'order',
      orders: [...records.values()].map(({ orderId, status, reason }) => ({ orderId, status, reason })),
    }),
  };
}
