/**
 * Requests to a service awaiting their answer, by id; each times out on its own. `P` is what a
 * request carries, kept so that requests still open can be sent again (to a restarted worker).
 */
export class Replies<T, P = undefined> {
  private nextId = 1;
  private readonly open = new Map<number, { request: P; resolve: (value: T) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();

  add(timeoutMs: number, onTimeout: () => Error, request?: P): { id: number; reply: Promise<T> } {
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.open.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      this.open.set(id, { request: request as P, resolve, reject, timer });
    });
    return { id, reply };
  }

  /** Settles request `id` with a value or an error. False for a late or repeated answer: ignore it. */
  answer(id: number, outcome: { value: T } | { error: Error }): boolean {
    const request = this.open.get(id);
    if (!request) return false;
    this.open.delete(id);
    clearTimeout(request.timer);
    if ('error' in outcome) request.reject(outcome.error);
    else request.resolve(outcome.value);
    return true;
  }

  /** The requests not answered yet, oldest first. */
  unanswered(): { id: number; request: P }[] {
    return [...this.open].map(([id, { request }]) => ({ id, request }));
  }

  failAll(error: Error): void {
    for (const request of this.open.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.open.clear();
  }
}
