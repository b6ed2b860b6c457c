import { describe, expect, it } from 'vitest';
import { created } from '../../test/helpers/events.js';
import { InvalidEventError } from '../errors.js';
import { decodeEvent, encodeEvent, MAX_EVENT_BYTES } from './codec.js';
import { EVENT_TYPES } from './subjects.js';

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('event codec', () => {
  it('has exactly the ten versioned subjects', () => {
    expect(EVENT_TYPES).toHaveLength(10);
    for (const t of EVENT_TYPES) expect(t).toMatch(/^(order|payment|inventory)\.[a-z]+\.v1$/);
  });

  it('round-trips a valid event with its envelope', () => {
    const event = created('ord-9');
    const decoded = decodeEvent(encodeEvent(event), 'order.created.v1');
    expect(decoded).toEqual(event);
    expect(Object.keys(decoded).sort()).toEqual(['causationId', 'eventId', 'occurredAt', 'orderId', 'payload', 'type', 'version']);
  });

  it.each([
    ['invalid JSON', bytes('{not json'), /not valid JSON/],
    ['a missing orderId', bytes({ ...created(), orderId: undefined }), /orderId/],
    ['an unknown version', bytes({ ...created(), version: 2 }), /version/],
    ['an unknown type', bytes({ ...created(), type: 'order.shipped.v1' }), /type/],
    ['a bad payload', bytes({ ...created(), payload: { items: [] } }), /payload/],
    ['a non-ISO time', bytes({ ...created(), occurredAt: 'yesterday' }), /occurredAt/],
    ['an oversized message', new Uint8Array(MAX_EVENT_BYTES + 1), /over the/],
  ])('rejects %s with a reason', (_name, data, reason) => {
    expect(() => decodeEvent(data, 'order.created.v1')).toThrow(InvalidEventError);
    expect(() => decodeEvent(data, 'order.created.v1')).toThrow(reason);
  });

  it('rejects a valid event published on another subject', () => {
    expect(() => decodeEvent(encodeEvent(created()), 'payment.failed.v1')).toThrow(/does not match subject/);
  });
});
