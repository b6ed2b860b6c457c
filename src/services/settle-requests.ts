import type { ServiceSnapshot } from './service.js';

interface Open {
  orderIds: string[];
  resolve: (snapshot: ServiceSnapshot) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The settle requests a service worker has not answered yet, by id. A crash fault can end a worker
 * after it answered a request but before the answer was counted, so requests still open are sent
 * again to the next worker, and one request may be answered twice. Matching answers by id, not by
 * arrival order, keeps that second answer from being taken for the next request's: it once was,
 * and a batch of CONFIRMED orders was judged against an empty payment ledger.
 */
export class SettleRequests {
  private nextId = 1;
  private readonly open = new Map<number, Open>();

  /** Registers a request; its reply rejects with `onTimeout()` unless answered within `timeoutMs`. */
  add(orderIds: string[], timeoutMs: number, onTimeout: () => Error): { id: number; reply: Promise<ServiceSnapshot> } {
    const id = this.nextId++;
    const reply = new Promise<ServiceSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.open.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      this.open.set(id, { orderIds, resolve, reject, timer });
    });
    return { id, reply };
  }

  /** Resolves request `id`. False for a repeat answer, or one to a request that timed out: ignore it. */
  answer(id: number, snapshot: ServiceSnapshot): boolean {
    const request = this.open.get(id);
    if (!request) return false;
    this.open.delete(id);
    clearTimeout(request.timer);
    request.resolve(snapshot);
    return true;
  }

  /** The requests not answered yet, oldest first: what a restarted worker must be asked again. */
  unanswered(): { id: number; orderIds: string[] }[] {
    return [...this.open].map(([id, { orderIds }]) => ({ id, orderIds }));
  }

  failAll(error: Error): void {
    for (const request of this.open.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.open.clear();
  }
}
