import { EVENT_TYPES, type EventType } from '../events/subjects.js';
import type { TargetConfig } from '../scenario/target-schema.js';
import { readId } from './json-path.js';

/** One of the target's events, read as the design's. */
export interface MappedEvent {
  type: EventType;
  orderId: string;
  /** Its own id when the mapping names one; otherwise each message counts as a new event. */
  eventId: string;
}

const decoder = new TextDecoder();
/** Larger messages are not saga events: skipped unread. */
const MAX_BYTES = 256 * 1024;

/**
 * Reads a target's events by the scenario's mapping: which of its subjects is which design event,
 * and where the order id sits in the JSON (NestJS packets: `data.orderId`).
 */
export class EventMapping {
  private readonly types = new Map<string, EventType>();
  private sequence = 0;

  constructor(private readonly config: TargetConfig['events']) {
    for (const type of EVENT_TYPES) {
      const subject = config.subjects ? config.subjects[type] : type;
      if (subject) this.types.set(subject, type);
    }
  }

  /** The subjects to subscribe to. */
  get subjects(): string[] {
    return [...this.types.keys()];
  }

  /** Which design events the target publishes at all (a check needs both sides of a rule). */
  has(type: EventType): boolean {
    return [...this.types.values()].includes(type);
  }

  /** The event, or a reason it is not one (not JSON, no order id). */
  read(subject: string, data: Uint8Array): MappedEvent | { invalid: string } {
    const type = this.types.get(subject);
    if (!type) return { invalid: `subject ${subject} is not mapped` };
    if (data.byteLength > MAX_BYTES) return { invalid: `${data.byteLength} bytes` };
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(data));
    } catch {
      return { invalid: 'not JSON' };
    }
    const orderId = readId(json, this.config.orderId);
    if (!orderId) return { invalid: `no order id at ${this.config.orderId}` };
    const eventId = (this.config.eventId && readId(json, this.config.eventId)) || `${type}#${++this.sequence}`;
    return { type, orderId, eventId };
  }
}
