import { Worker } from 'node:worker_threads';
import { now } from './clock.js';

/**
 * A one-shot wake-up at an epoch-ms time, to about a tenth of a millisecond, without spinning.
 *
 * Why not setTimeout: libuv keeps timers in whole milliseconds of a loop time read at the start of
 * each turn, so a timeout of 9.5 ms fires anywhere from 9 to 11 ms later, often early. The open
 * loop's sends then lagged their intended times by 0.4 ms at the median (bench/wake-timer.mjs),
 * which corrected latency rightly counts: a third of a core-NATS saga at 100 orders/s. Spinning on
 * setImmediate is exact but keeps a core busy. Here a small thread sleeps on a futex with a
 * fractional timeout (`Atomics.wait`) and posts at the due time: ~0.1 ms late, idle while it sleeps.
 */
export interface WakeTimer {
  /** Resolves once the timer can keep time (the thread has started: ~20–30 ms). */
  ready(): Promise<void>;
  /** Calls `fn` at epoch ms `at` (at once if past). Replaces any pending wake-up. */
  at(at: number, fn: () => void): void;
  cancel(): void;
  close(): Promise<void>;
}

/** Shared words: [0] the arm counter (a change wakes the thread), then the due time as a float64. */
const SEQ = 0;
const DUE_OFFSET = 8;
const CLOSED = -1;

/**
 * The thread's body. It is serialised into the worker with `toString()`, so it uses nothing but
 * globals and its arguments. It never writes the shared words, so a new arm cannot be lost: it
 * reports which arm it woke for, and the main thread ignores a stale one.
 */
function sleeper(shared: SharedArrayBuffer, post: (seq: number) => void): void {
  const seq = new Int32Array(shared, 0, 1);
  const due = new Float64Array(shared, 8, 1);
  const clock = () => performance.timeOrigin + performance.now();
  // The first post (for no arm) says the thread is up.
  post(-1);
  let fired = -1;
  for (;;) {
    const s = Atomics.load(seq, 0);
    const at = due[0] as number;
    if (at === -1) return;
    const wait = at - clock();
    if (at === 0 || s === fired) Atomics.wait(seq, 0, s);
    else if (wait > 0.02) Atomics.wait(seq, 0, s, wait);
    else {
      fired = s;
      post(s);
    }
  }
}

export function preciseTimer(): WakeTimer {
  const shared = new SharedArrayBuffer(16);
  const seq = new Int32Array(shared, 0, 1);
  const due = new Float64Array(shared, DUE_OFFSET, 1);
  const code = `const { workerData, parentPort } = require('node:worker_threads');
(${sleeper.toString()})(workerData, (s) => parentPort.postMessage(s));`;
  // A tiny heap: the thread holds two typed arrays.
  const worker = new Worker(code, { eval: true, workerData: shared, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
  // The thread never keeps the process alive; a pending wake-up is the caller's business.
  worker.unref();
  let pending: (() => void) | undefined;
  let closed = false;
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const arm = (at: number) => {
    due[0] = at;
    Atomics.add(seq, SEQ, 1);
    Atomics.notify(seq, SEQ);
  };
  worker.on('message', (s: number) => {
    if (s === -1) return started();
    if (s !== Atomics.load(seq, SEQ) || !pending) return;
    const fn = pending;
    pending = undefined;
    fn();
  });
  return {
    ready: () => ready,
    at(at, fn) {
      if (closed) throw new Error('preciseTimer: used after close');
      pending = fn;
      arm(Math.max(at, Number.MIN_VALUE));
    },
    cancel() {
      pending = undefined;
      arm(0);
    },
    async close() {
      if (closed) return;
      closed = true;
      pending = undefined;
      arm(CLOSED);
      started();
      await worker.terminate();
    },
  };
}

/** setTimeout behind the same interface: for tests and callers that do not need the precision. */
export function coarseTimer(): WakeTimer {
  let timer: NodeJS.Timeout | undefined;
  return {
    ready: async () => undefined,
    at(at, fn) {
      clearTimeout(timer);
      timer = setTimeout(fn, Math.max(0, at - now()));
    },
    cancel: () => clearTimeout(timer),
    close: async () => clearTimeout(timer),
  };
}
