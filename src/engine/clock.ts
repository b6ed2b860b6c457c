import { performance } from 'node:perf_hooks';

// Read once: the getter recomputes it on every call, and at 100,000 sends a second the load loop's
// clock reads were a fifteenth of its allocations (each a fresh boxed number), so of its GC pauses.
const ORIGIN = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision and no jumps from wall-clock adjustments. */
export function now(): number {
  return ORIGIN + performance.now();
}

/** Resolves when `done()` turns true (checked on each `poke()`), or after timeoutMs, or on abort. */
export function condition(done: () => boolean): { poke(): void; wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> } {
  let wake: (() => void) | undefined;
  return {
    poke() {
      if (wake && done()) wake();
    },
    wait(timeoutMs, signal) {
      if (done()) return Promise.resolve(true);
      // An abort already given would never fire its event: the wait ends now, not at its timeout.
      if (signal?.aborted) return Promise.resolve(false);
      return new Promise((resolve) => {
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          wake = undefined;
          resolve(ok);
        };
        const onAbort = () => finish(false);
        const timer = setTimeout(() => finish(done()), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        wake = () => finish(true);
      });
    },
  };
}
