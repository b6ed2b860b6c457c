import { InvalidEventError } from '../errors.js';
import { EnvelopeSchema, PAYLOAD_SCHEMAS, type SagaEvent } from './schema.js';

/** Larger messages are rejected before parsing: no legitimate saga event comes close. */
export const MAX_EVENT_BYTES = 64 * 1024;

const decoder = new TextDecoder();

/**
 * Buffer.from, not TextEncoder: it encodes a small string into a slice of a shared pool instead of
 * a fresh ArrayBuffer each time, about 0.1 µs against 0.5 µs for a 300-byte event. (At 5,500
 * sagas/s that is under 1% of the process's CPU: too little to show in a run's total.)
 */
export function encodeEvent(event: SagaEvent): Uint8Array {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/**
 * Parse and validate one message. `subject` must equal the envelope's type, so a
 * well-formed event published on the wrong subject is rejected too.
 * Throws InvalidEventError with a reason fit for a dead-letter header.
 */
export function decodeEvent(data: Uint8Array, subject: string): SagaEvent {
  if (data.byteLength > MAX_EVENT_BYTES) {
    throw new InvalidEventError(`message is ${data.byteLength} bytes, over the ${MAX_EVENT_BYTES}-byte limit`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch {
    throw new InvalidEventError('message is not valid JSON');
  }
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new InvalidEventError(`invalid envelope: ${describeIssue(envelope.error.issues[0])}`);
  }
  if (envelope.data.type !== subject) {
    throw new InvalidEventError(`type ${envelope.data.type} does not match subject ${subject}`);
  }
  const payload = PAYLOAD_SCHEMAS[envelope.data.type].safeParse(envelope.data.payload);
  if (!payload.success) {
    throw new InvalidEventError(`invalid ${envelope.data.type} payload: ${describeIssue(payload.error.issues[0])}`);
  }
  return { ...envelope.data, payload: payload.data } as SagaEvent;
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'unknown problem';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
