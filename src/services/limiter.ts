/**
 * At most `max` holders at once; the rest wait in line. Urgent waiters go before deferred ones, so
 * a service finishes the sagas it has started before it takes on new ones.
 */
export interface Limiter {
  acquire(deferred?: boolean): Promise<void>;
  release(): void;
  /** Holders plus waiters: what the limiter is keeping back or letting through now. */
  readonly load: number;
}

export function limiter(max: number): Limiter {
  let active = 0;
  const urgent: (() => void)[] = [];
  const deferred: (() => void)[] = [];
  return {
    acquire(later = false) {
      // A released slot passes straight to a waiter, so a free slot means nobody is waiting.
      if (active < max) {
        active++;
        return Promise.resolve();
      }
      return new Promise((resolve) => (later ? deferred : urgent).push(resolve));
    },
    release() {
      const next = urgent.shift() ?? deferred.shift();
      if (next) next();
      else active--;
    },
    get load() {
      return active + urgent.length + deferred.length;
    },
  };
}

/** Runs `task` holding a slot of `slots`, released however it ends. */
export async function withSlot<T>(slots: Limiter, task: () => Promise<T>, deferred = false): Promise<T> {
  await slots.acquire(deferred);
  try {
    return await task();
  } finally {
    slots.release();
  }
}
