import { describe, expect, it } from 'vitest';
import type { SagaEvent } from '../events/schema.js';
import { eventJson, eventLine, kindOf, traceLines } from './event-lines.js';

const created = { eventId: 'e1', type: 'order.created.v1', version: 1, occurredAt: '2026-12-02T10:00:00.000Z', orderId: 'ord-1', payload: { customerId: 'c-1', items: [{ productId: 'prod-1', quantity: 2, unitPrice: 1999 }], amount: 3998 } } as SagaEvent;
const refunded = { eventId: 'e2', type: 'payment.refunded.v1', version: 1, occurredAt: '2026-12-02T10:00:00.020Z', orderId: 'ord-1', payload: { transactionId: 'tx-1', amount: 3998 } } as SagaEvent;
const cancelled = { eventId: 'e3', type: 'order.cancelled.v1', version: 1, occurredAt: '2026-12-02T10:00:00.030Z', orderId: 'ord-1', payload: { reason: 'out_of_stock' } } as SagaEvent;

describe('event lines', () => {
  it('reads an event in one line: time, order, type and its key fields in decimal money', () => {
    expect(eventLine(created, new Date('2026-12-02T10:00:00.123Z'))).toBe('10:00:00.123  ord-1           order.created.v1        customer c-1 · 1 item(s) · 39.98');
  });

  it('tells steps, failures and undos apart for colouring', () => {
    expect([created.type, refunded.type, cancelled.type, 'inventory.reserved.v1' as const].map(kindOf)).toEqual(['start', 'compensation', 'failure', 'success']);
  });

  it('writes JSON lines with the subject and the payload', () => {
    expect(JSON.parse(eventJson(refunded, new Date('2026-12-02T10:00:00.020Z'), 'payment.refunded.v1'))).toEqual({
      at: '2026-12-02T10:00:00.020Z',
      subject: 'payment.refunded.v1',
      orderId: 'ord-1',
      type: 'payment.refunded.v1',
      eventId: 'e2',
      payload: { transactionId: 'tx-1', amount: 3998 },
    });
  });

  it('traces a saga with the time since its start and the gap between steps', () => {
    const lines = traceLines('ord-1', [
      { event: created, at: new Date(1000), seq: 1 },
      { event: refunded, at: new Date(1020), seq: 7 },
      { event: cancelled, at: new Date(1032), seq: 9 },
    ]);
    expect(lines[0]).toBe('order ord-1 · CANCELLED · 3 events over 32 ms');
    expect(lines[2]).toMatch(/^\s+\+\s+20 ms\s+\(gap\s+20 ms\)\s+payment\.refunded\.v1\s+tx-1 · 39\.98\s+\[seq 7\]$/);
    expect(lines[3]).toMatch(/\(gap\s+12 ms\)\s+order\.cancelled\.v1\s+out_of_stock/);
    expect(traceLines('ord-9', [])).toEqual(['no events for order ord-9 in the stream']);
  });
});
