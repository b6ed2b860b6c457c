import { slotTime } from '../load/constant-rate.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { now } from './clock.js';

/** A send this far behind its intended time counts as late (timer granularity alone is ~1 ms). */
export const LATE_THRESHOLD_MS = 10;
/**
 * setTimeout cannot wake sooner than ~1 ms, so a wait shorter than this is done on setImmediate
 * (yielding to I/O each turn). Only high rates wait that little; lower rates sleep on a timer and
 * do not spin the main thread, which the services need on a small machine.
 */
export const FINE_WAIT_MS = 0.25;

export interface LoadLoopOptions {
  rate: number;
  total: number;
  /** Epoch ms of the first intended send. */
  startAt: number;
  next(seq: number): PlaceOrder;
  /** Receives each batch of due orders with their intended and actual send times. */
  place(orders: PlaceOrder[], intendedAt: number[], sentAt: number): void;
  /** Checked before every batch: true stops the loop. */
  stopped(): boolean;
}

export interface LoadStats {
  sent: number;
  rate: number;
  paused: boolean;
  /** Sends more than LATE_THRESHOLD_MS behind schedule. */
  late: number;
  /** Largest lag behind schedule seen, in ms. */
  maxLagMs: number;
}

export interface LoadLoop {
  /** Resolves when every order is placed or the loop is stopped. */
  done: Promise<void>;
  stats(): LoadStats;
  /** Wakes a sleeping loop so that it sees stopped(). */
  wake(): void;
  pause(): void;
  resume(): void;
  /** Changes the rate from the next order on; orders already due keep their intended times. */
  setRate(rate: number): void;
}

/**
 * Places orders on a constant-rate schedule. When it falls behind it sends every due order in one
 * batch, keeping each order's intended time, so latency measured from it stays honest.
 * The schedule is anchored at (time, seq); a rate change or a resume re-anchors it, and a pause
 * is not counted as lateness because the user asked for it.
 */
export function startLoadLoop(options: LoadLoopOptions): LoadLoop {
  const stats: LoadStats = { sent: 0, rate: options.rate, paused: false, late: 0, maxLagMs: 0 };
  let anchor = { at: options.startAt, seq: 0 };
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let finish: () => void = () => undefined;
  let finished = false;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const cancel = () => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
  const end = () => {
    finished = true;
    cancel();
    finish();
  };
  const schedule = () => {
    const wait = intended(stats.sent) - now();
    if (wait < FINE_WAIT_MS) immediate = setImmediate(tick);
    else timer = setTimeout(tick, wait);
  };
  const intended = (seq: number) => slotTime(anchor.at, stats.rate, seq - anchor.seq);

  const tick = () => {
    if (options.stopped()) return end();
    if (stats.paused) return;
    const t = now();
    const due = Math.min(options.total, anchor.seq + Math.floor(((t - anchor.at) * stats.rate) / 1000) + 1);
    if (due > stats.sent) {
      const orders: PlaceOrder[] = [];
      const times: number[] = [];
      for (let seq = stats.sent; seq < due; seq++) {
        const at = intended(seq);
        const lag = t - at;
        if (lag > LATE_THRESHOLD_MS) stats.late++;
        if (lag > stats.maxLagMs) stats.maxLagMs = lag;
        orders.push(options.next(seq + 1));
        times.push(at);
      }
      options.place(orders, times, t);
      stats.sent = due;
    }
    if (stats.sent >= options.total) return end();
    schedule();
  };
  tick();
  return {
    done,
    stats: () => ({ ...stats }),
    wake: end,
    pause() {
      if (finished || stats.paused) return;
      stats.paused = true;
      cancel();
    },
    resume() {
      if (finished || !stats.paused) return;
      stats.paused = false;
      anchor = { at: now(), seq: stats.sent };
      tick();
    },
    setRate(rate: number) {
      if (finished || !(rate > 0)) return;
      // The next order keeps the time the old rate gave it; later ones follow the new spacing.
      anchor = { at: intended(stats.sent), seq: stats.sent };
      stats.rate = rate;
      if (!stats.paused) {
        cancel();
        tick();
      }
    },
  };
}
