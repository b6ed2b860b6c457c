import type { ArrivalProcess } from '../load/arrivals.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { now } from './clock.js';
import { coarseTimer, type WakeTimer } from './precise-timer.js';

/** A send this far behind its intended time counts as late (timer granularity alone is ~1 ms). */
export const LATE_THRESHOLD_MS = 10;
/**
 * A wait shorter than this is done on setImmediate (yielding to I/O each turn) instead of a timer.
 * Only rates above 20,000/s wait that little: there the generator's own work fills the thread
 * anyway, and a timer's ~0.1 ms of lateness would push its p99 schedule error to 1 ms. Below, the
 * loop sleeps: at 0.25 ms, rates of 4,000–6,000/s spun the main thread between sends, taking a
 * tenth of the process's CPU from the services on a two-core machine (BENCHMARKS.md, "The load generator alone": the open loop that spun, 2026-11-25 b).
 */
export const FINE_WAIT_MS = 0.05;
const DURATION_EPSILON_MS = 1e-6;

export interface LoadLimits {
  /** Stop after this many orders (Infinity: no limit). */
  count: number;
  /** Stop once the schedule reaches this long after its start (pauses excluded). */
  durationMs?: number;
  /** Open loop: an arrival finding this many sagas in flight is dropped (it still counts towards `count`). */
  maxInFlight?: number;
  /** The first this many orders are never dropped (scripted orders carry expectations). */
  mustSend?: number;
}

interface LoopCallbacks {
  /** Epoch ms of the first intended send. */
  startAt: number;
  next(seq: number): PlaceOrder;
  /** Receives each batch of due orders with their intended and actual send times. */
  place(orders: PlaceOrder[], intendedAt: number[], sentAt: number): void;
  /** Checked before every batch: true stops the loop. */
  stopped(): boolean;
  /** Wakes the open loop for its next send (default: setTimeout, which may be a millisecond late). */
  timer?: WakeTimer;
  /** Sagas sent and not yet finished; read only with `maxInFlight`. */
  inFlight?(): number;
}

export interface LoadStats {
  sent: number;
  /** Current target rate (orders/s), after any scaling. */
  rate: number;
  paused: boolean;
  /** Sends more than LATE_THRESHOLD_MS behind schedule. */
  late: number;
  /** Largest lag behind schedule seen, in ms. */
  maxLagMs: number;
  /** Arrivals not sent because `maxInFlight` sagas were in flight. */
  dropped: number;
  /** Time the load was paused (p), ms; rates and lateness leave it out. */
  pausedMs: number;
}

export interface LoadLoop {
  /** Resolves when every order is placed or the loop is stopped. */
  done: Promise<void>;
  stats(): LoadStats;
  /** Wakes a sleeping loop so that it sees stopped(). */
  wake(): void;
  pause(): void;
  resume(): void;
  /** Multiplies the rate from the next order on (closed loop: the concurrency). */
  scale(factor: number): void;
  /** Closed loop only: a saga finished, so another may start. */
  finished?(at: number): void;
}

/** Shared bookkeeping of both loops: lateness, pause, completion. */
function loopState(callbacks: LoopCallbacks) {
  const stats: LoadStats = { sent: 0, rate: 0, paused: false, late: 0, maxLagMs: 0, dropped: 0, pausedMs: 0 };
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    stats,
    done,
    finish,
    /** Places a batch, counting late sends. */
    place(orders: PlaceOrder[], intendedAt: number[], t: number) {
      for (const at of intendedAt) {
        const lag = t - at;
        if (lag > LATE_THRESHOLD_MS) stats.late++;
        if (lag > stats.maxLagMs) stats.maxLagMs = lag;
      }
      callbacks.place(orders, intendedAt, t);
      stats.sent += orders.length;
    },
  };
}

/**
 * Open loop: sends on the arrival process's schedule whether or not earlier sagas finished.
 * When it falls behind it sends every due order in one batch, keeping each order's intended time,
 * so latency measured from it stays honest. With `maxInFlight`, an arrival that finds the cap
 * reached is dropped and counted instead. A pause is not counted as lateness: on resume the
 * schedule restarts from now.
 */
export function startOpenLoop(arrivals: ArrivalProcess, limits: LoadLimits, callbacks: LoopCallbacks): LoadLoop {
  const s = loopState(callbacks);
  let scale = 1;
  // The schedule is kept in ms from its start (pauses excluded): summing gaps onto an epoch time
  // (~1.7e12, where a double resolves ~0.0002 ms) would drift by ~0.1 ms within a thousand orders.
  let offset = 0;
  let pausedAt = 0;
  let finished = false;
  const timer = callbacks.timer ?? coarseTimer();
  let immediate: NodeJS.Immediate | undefined;
  const nextAt = () => callbacks.startAt + s.stats.pausedMs + offset;
  s.stats.rate = arrivals.rateAt(0);
  const cancel = () => {
    timer.cancel();
    if (immediate) clearImmediate(immediate);
  };
  const end = () => {
    finished = true;
    cancel();
    s.finish();
  };
  // Summed gaps land a hair off exact multiples (900 × 3.333… ms is 2999.99999 ms), hence the epsilon.
  const exhausted = () =>
    s.stats.sent + s.stats.dropped >= limits.count || (limits.durationMs !== undefined && offset >= limits.durationMs - DURATION_EPSILON_MS);
  // Read only with a cap: without one, nothing is ever dropped.
  const { maxInFlight } = limits;
  const inFlight = callbacks.inFlight ?? (() => 0);
  const full = (batched: number) => maxInFlight !== undefined && inFlight() + batched >= maxInFlight;
  const tick = () => {
    if (callbacks.stopped()) return end();
    if (s.stats.paused) return;
    const t = now();
    // Nothing due yet (most passes of a fine wait): no batch is made. At 100,000/s the empty batches
    // were a third of the loop's allocations, and its GC pauses were what made sends late.
    if (nextAt() > t && !exhausted()) return wait(t);
    const orders: PlaceOrder[] = [];
    const times: number[] = [];
    while (nextAt() <= t && !exhausted()) {
      // Dropped arrivals take no sequence number, so the orders sent stay numbered 1..sent.
      const seq = s.stats.sent + orders.length + 1;
      if (seq > (limits.mustSend ?? 0) && full(orders.length)) s.stats.dropped++;
      else {
        orders.push(callbacks.next(seq));
        times.push(nextAt());
      }
      offset += arrivals.gap(offset, scale);
      if (orders.length + s.stats.sent + s.stats.dropped >= limits.count) break;
    }
    if (orders.length > 0) s.place(orders, times, t);
    s.stats.rate = arrivals.rateAt(offset) * scale;
    if (exhausted()) return end();
    wait();
  };
  // `at`: the clock as just read, if nothing happened since (an empty pass reads it once, not twice).
  const wait = (at = now()) => {
    const due = nextAt();
    if (due - at < FINE_WAIT_MS) immediate = setImmediate(tick);
    else timer.at(due, tick);
  };
  tick();
  return {
    done: s.done,
    stats: () => ({ ...s.stats }),
    wake: end,
    pause() {
      if (finished || s.stats.paused) return;
      s.stats.paused = true;
      pausedAt = now();
      cancel();
    },
    resume() {
      if (finished || !s.stats.paused) return;
      s.stats.paused = false;
      // The schedule resumes where it paused: the paused time is not owed as a backlog.
      s.stats.pausedMs += now() - pausedAt;
      tick();
    },
    scale(factor) {
      if (finished || !(factor > 0)) return;
      scale *= factor;
      s.stats.rate *= factor;
    },
  };
}

/**
 * Closed loop: `concurrency` sagas in flight; when one finishes, another starts after the think
 * time. An order's intended time is the moment it was allowed to start, so a slow saga delays no
 * one's measurement but its own.
 */
export function startClosedLoop(concurrency: number, thinkMs: number, limits: LoadLimits, callbacks: LoopCallbacks): LoadLoop {
  const s = loopState(callbacks);
  let slots = Math.max(1, Math.round(concurrency));
  let inFlight = 0;
  let finished = false;
  const timers = new Set<NodeJS.Timeout>();
  s.stats.rate = 0;
  const end = () => {
    finished = true;
    for (const t of timers) clearTimeout(t);
    s.finish();
  };
  let pausedAt = 0;
  const exhausted = (at: number) =>
    s.stats.sent >= limits.count || (limits.durationMs !== undefined && at - callbacks.startAt - s.stats.pausedMs >= limits.durationMs);
  const fill = (intendedAt: number) => {
    while (!finished && !s.stats.paused && inFlight < slots && !exhausted(intendedAt) && !callbacks.stopped()) {
      inFlight++;
      s.place([callbacks.next(s.stats.sent + 1)], [intendedAt], now());
    }
    if (inFlight === 0 && (exhausted(intendedAt) || callbacks.stopped())) end();
  };
  fill(callbacks.startAt);
  return {
    done: s.done,
    stats: () => ({ ...s.stats, rate: slots }),
    wake: end,
    pause() {
      if (finished || s.stats.paused) return;
      s.stats.paused = true;
      pausedAt = now();
    },
    resume() {
      if (finished || !s.stats.paused) return;
      s.stats.paused = false;
      s.stats.pausedMs += now() - pausedAt;
      fill(now());
    },
    scale(factor) {
      slots = Math.max(1, Math.round(slots * factor));
      fill(now());
    },
    finished(at) {
      if (finished) return;
      inFlight = Math.max(0, inFlight - 1);
      const startAt = at + thinkMs;
      if (thinkMs <= 0) return fill(startAt);
      const timer = setTimeout(() => {
        timers.delete(timer);
        fill(startAt);
      }, thinkMs);
      timers.add(timer);
    },
  };
}
