import type { Envelope, Payload } from '../events/schema.js';
import type { EventType } from '../events/subjects.js';

/** An event a service decided to publish. The shell stamps eventId, version and occurredAt. */
export type Outgoing = {
  [T in EventType]: { type: T; orderId: string; causationId: string; payload: Payload<T> };
}[EventType];

export function outgoing<T extends EventType>(
  type: T,
  orderId: string,
  causationId: string,
  payload: Payload<T>,
): Outgoing {
  return { type, orderId, causationId, payload } as Outgoing;
}

/**
 * Event ids are derived from (order, type): each saga emits each type at most once, so the id
 * is unique, and a re-emitted event keeps the id the JetStream de-duplication relies on.
 */
export function stamp(out: Outgoing, occurredAt: string): Envelope {
  return { eventId: `${out.orderId}:${out.type}`, version: 1, occurredAt, ...out } as Envelope;
}

export type Topology = 'parallel' | 'sequential';
export const TOPOLOGIES: readonly Topology[] = ['parallel', 'sequential'];

/** Events in `next` whose type is not in `before`: what a state change adds. */
export function added(before: readonly Outgoing[], next: readonly Outgoing[]): Outgoing[] {
  if (before.length === 0) return [...next];
  const had = new Set(before.map((e) => e.type));
  return next.filter((e) => !had.has(e.type));
}
