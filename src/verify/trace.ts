import type { SagaEvent } from '../events/schema.js';
import type { EventType } from '../events/subjects.js';

/** How many times each saga event was seen for one order on the event stream. */
export type OrderTrace = Partial<Record<EventType, number>>;

/** Records what crossed NATS, per order: the source of truth for the report's counts. */
export class TraceBook {
  readonly byType = new Map<EventType, number>();
  readonly orders = new Map<string, OrderTrace>();

  record(event: Pick<SagaEvent, 'orderId' | 'type'>): void {
    this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
    const trace = this.orders.get(event.orderId) ?? {};
    trace[event.type] = (trace[event.type] ?? 0) + 1;
    this.orders.set(event.orderId, trace);
  }

  count(type: EventType): number {
    return this.byType.get(type) ?? 0;
  }
}
