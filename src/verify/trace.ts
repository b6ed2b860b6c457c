import type { SagaEvent } from '../events/schema.js';
import { EVENT_TYPES, type EventType } from '../events/subjects.js';
import { OrderFlags } from '../load/order-flags.js';

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
  /** The event types each settled (dropped) saga had, one bit per type. */
  private readonly settledTypes = new OrderFlags();
  /** Events of a type a saga had not had, seen after it settled: wrong, whatever the invariant. */
  readonly afterSettle: { orderId: string; type: EventType }[] = [];
  afterSettleCount = 0;

  constructor(private readonly watch: ReadonlySet<string> = new Set()) {}

  /** Returns false for a duplicate delivery. */
  record(event: Pick<SagaEvent, 'orderId' | 'type' | 'eventId'>): boolean {
    this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
    const settled = this.settledTypes.get(event.orderId);
    if (settled !== 0) return this.recordAfterSettle(event, settled);
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

  /** Whether the saga has been settled and its trace dropped. */
  isSettled(orderId: string): boolean {
    return this.settledTypes.has(orderId);
  }

  /** The sagas settled so far. */
  settledIds(): string[] {
    return [...this.settledTypes.ids()];
  }

  /** Drops a settled saga's trace, keeping only which types it had (to tell later copies from news). */
  settle(orderId: string): void {
    const trace = this.orders.get(orderId);
    let bits = 0;
    for (const type of Object.keys(trace?.counts ?? {}) as EventType[]) bits |= typeBit(type);
    this.settledTypes.add(orderId, bits || SETTLED_EMPTY);
    this.orders.delete(orderId);
  }

  /**
   * Services write one eventId per order and type (`<orderId>:<type>`), so a type the saga already
   * had is a duplicate delivery; a type it had not is new, and recorded as such.
   */
  private recordAfterSettle(event: Pick<SagaEvent, 'orderId' | 'type' | 'eventId'>, settled: number): boolean {
    const bit = typeBit(event.type);
    if (settled & bit && event.eventId === `${event.orderId}:${event.type}`) {
      this.duplicates++;
      return false;
    }
    this.settledTypes.add(event.orderId, bit);
    this.afterSettleCount++;
    if (this.afterSettle.length < 100) this.afterSettle.push({ orderId: event.orderId, type: event.type });
    return true;
  }

  count(type: EventType): number {
    return this.byType.get(type) ?? 0;
  }
}

const typeBit = (type: EventType) => 1 << EVENT_TYPES.indexOf(type);
/** Marks a saga settled with no event seen (possible only with a scripted order lost on core). */
const SETTLED_EMPTY = 1 << 15;
