import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond precision and no jumps from wall-clock adjustments. */
export function now(): number {
  return performance.timeOrigin + performance.now();
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
