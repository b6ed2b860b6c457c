import { Replies } from './replies.js';
import type { ServiceSnapshot } from './service.js';

/**
 * The settle requests a service worker has not answered yet, by id. A crash fault can end a worker
 * after it answered a request but before the answer was counted, so requests still open are sent
 * again to the next worker, and one request may be answered twice. Matching answers by id, not by
 * arrival order, keeps that second answer from being taken for the next request's: it once was,
 * and a batch of CONFIRMED orders was judged against an empty payment ledger.
 */
export class SettleRequests {
  private readonly replies = new Replies<ServiceSnapshot, string[]>();

  /** Registers a request; its reply rejects with `onTimeout()` unless answered within `timeoutMs`. */
  add(orderIds: string[], timeoutMs: number, onTimeout: () => Error): { id: number; reply: Promise<ServiceSnapshot> } {
    return this.replies.add(timeoutMs, onTimeout, orderIds);
  }

  /** Resolves request `id`. False for a repeat answer, or one to a request that timed out: ignore it. */
  answer(id: number, snapshot: ServiceSnapshot): boolean {
    return this.replies.answer(id, { value: snapshot });
  }

  /** The requests not answered yet, oldest first: what a restarted worker must be asked again. */
  unanswered(): { id: number; orderIds: string[] }[] {
    return this.replies.unanswered().map(({ id, request }) => ({ id, orderIds: request }));
  }

  failAll(error: Error): void {
    this.replies.failAll(error);
  }
}
