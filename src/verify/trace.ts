import type { SagaEvent } from '../events/schema.js';
import type { EventType } from '../events/subjects.js';

/** Distinct events of each type seen for one order, and the first eventId of each type. */
export interface OrderTrace {
  counts: Partial<Record<EventType, number>>;
  ids: Partial<Record<EventType, string>>;
}

/**
 * Records what crossed NATS, per order: the source of truth for the report's counts.
 * A message repeating an eventId already seen is a duplicate delivery, counted apart;
 * a second event of the same type with another eventId counts as a second event.
 */
export class TraceBook {
  /** Messages per type, duplicates included. */
  readonly byType = new Map<EventType, number>();
  readonly orders = new Map<string, OrderTrace>();
  /** Event types in stream order, kept only for watched orders (those with scripted expectations). */
  readonly sequences = new Map<string, EventType[]>();
  duplicates = 0;

  constructor(private readonly watch: ReadonlySet<string> = new Set()) {}

  /** Returns false for a duplicate delivery. */
  record(event: Pick<SagaEvent, 'orderId' | 'type' | 'eventId'>): boolean {
    this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
    let trace = this.orders.get(event.orderId);
    if (!trace) {
      trace = { counts: {}, ids: {} };
      this.orders.set(event.orderId, trace);
    }
    if (trace.ids[event.type] === event.eventId) {
      this.duplicates++;
      return false;
    }
    trace.ids[event.type] ??= event.eventId;
    trace.counts[event.type] = (trace.counts[event.type] ?? 0) + 1;
    if (this.watch.has(event.orderId)) {
      const sequence = this.sequences.get(event.orderId) ?? [];
      sequence.push(event.type);
      this.sequences.set(event.orderId, sequence);
    }
    return true;
  }

  /** Distinct events of this type over all orders. */
  distinct(type: EventType): number {
    let n = 0;
    for (const trace of this.orders.values()) n += trace.counts[type] ?? 0;
    return n;
  }

  count(type: EventType): number {
    return this.byType.get(type) ?? 0;
  }
}
