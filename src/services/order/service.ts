import type { Topology } from '../outgoing.js';
import type { Service } from '../service.js';
import { ORDER_CONSUMES, placeOrder, reduceOrder, type OrderRecord } from './logic.js';

export interface OrderConfig {
  topology: Topology;
}

export function createOrderService(config: OrderConfig): Service {
  const records = new Map<string, OrderRecord>();
  const keep = (step: { record: OrderRecord | undefined }) => {
    if (step.record) records.set(step.record.orderId, step.record);
  };
  return {
    name: 'order',
    consumes: ORDER_CONSUMES,
    place(cmd) {
      const step = placeOrder(records.get(cmd.orderId), cmd);
      keep(step);
      return step.emit;
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
