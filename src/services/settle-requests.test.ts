import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServiceSnapshot } from './service.js';
import { SettleRequests } from './settle-requests.js';

const ledger = (...orderIds: string[]): ServiceSnapshot => ({
  service: 'payment',
  transactions: orderIds.map((orderId) => ({ orderId, kind: 'charge' as const, transactionId: `tx-${orderId}`, amount: 100 })),
});

describe('settle requests', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a repeat answer to a request resent after a crash does not answer the next request', async () => {
    const requests = new SettleRequests();
    const a = requests.add(['ord-1'], 60_000, () => new Error('timeout'));
    // The worker answered A and was killed; the restart asks again for what is open, which is B too.
    expect(requests.answer(a.id, ledger('ord-1'))).toBe(true);
    const b = requests.add(['ord-2'], 60_000, () => new Error('timeout'));
    expect(requests.unanswered()).toEqual([{ id: b.id, orderIds: ['ord-2'] }]);
    // The old worker's answer to A arrives once more (A had been in flight when it died): ignored.
    expect(requests.answer(a.id, ledger())).toBe(false);
    expect(requests.answer(b.id, ledger('ord-2'))).toBe(true);
    await expect(a.reply).resolves.toEqual(ledger('ord-1'));
    await expect(b.reply).resolves.toEqual(ledger('ord-2'));
    expect(requests.unanswered()).toEqual([]);
  });

  it('a request unanswered in time fails, and a late answer to it is ignored; failAll fails the rest', async () => {
    vi.useFakeTimers();
    const requests = new SettleRequests();
    const a = requests.add(['ord-1'], 1000, () => new Error('no settled within 1000 ms'));
    const b = requests.add(['ord-2'], 5000, () => new Error('timeout'));
    const failedA = expect(a.reply).rejects.toThrow('no settled within 1000 ms');
    await vi.advanceTimersByTimeAsync(1000);
    await failedA;
    expect(requests.answer(a.id, ledger('ord-1'))).toBe(false);
    expect(requests.unanswered().map((r) => r.id)).toEqual([b.id]);
    requests.failAll(new Error('payment service crashed'));
    await expect(b.reply).rejects.toThrow('payment service crashed');
    expect(requests.unanswered()).toEqual([]);
  });
});
