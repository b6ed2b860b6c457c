/** Requests to a service awaiting their answer, by id; each times out on its own. */
export class Replies<T> {
  private nextId = 1;
  private readonly open = new Map<number, { resolve: (value: T) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();

  add(timeoutMs: number, onTimeout: () => Error): { id: number; reply: Promise<T> } {
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.open.delete(id);
        reject(onTimeout());
      }, timeoutMs);
      this.open.set(id, { resolve, reject, timer });
    });
    return { id, reply };
  }

  /** Settles request `id` with a value or an error; a late or repeated answer is ignored. */
  answer(id: number, outcome: { value: T } | { error: Error }): void {
    const request = this.open.get(id);
    if (!request) return;
    this.open.delete(id);
    clearTimeout(request.timer);
    if ('error' in outcome) request.reject(outcome.error);
    else request.resolve(outcome.value);
  }

  failAll(error: Error): void {
    for (const request of this.open.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.open.clear();
  }
}
