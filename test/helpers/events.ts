import type { SagaEvent } from '../../src/events/schema.js';
import type { Outgoing } from '../../src/services/outgoing.js';
import { stamp } from '../../src/services/outgoing.js';

/** Turns a service's output into the event its peers would receive. */
export function deliver(out: Outgoing): SagaEvent {
  return stamp(out, '2026-01-01T00:00:00.000Z') as SagaEvent;
}

export function created(orderId = 'ord-1', items = [{ productId: 'p-1', quantity: 2, unitPrice: 500 }]): SagaEvent {
  return deliver({
    type: 'order.created.v1',
    orderId,
    causationId: orderId,
    payload: { customerId: 'cust-1', items, amount: items.reduce((s, i) => s + i.quantity * i.unitPrice, 0) },
  });
}

export function event<T extends Outgoing['type']>(type: T, orderId: string, payload: Extract<Outgoing, { type: T }>['payload']): SagaEvent {
  return deliver({ type, orderId, causationId: `${orderId}:cause`, payload } as Outgoing);
}
