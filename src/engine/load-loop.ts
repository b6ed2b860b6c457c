import { dueSlots, slotTime } from '../load/constant-rate.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { now } from './clock.js';

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

export interface LoadLoop {
  /** Resolves when every order is placed or the loop is stopped. */
  done: Promise<void>;
  sent(): number;
  /** Wakes a sleeping loop so that it sees stopped(). */
  wake(): void;
}

/**
 * Places orders on a constant-rate schedule. When it falls behind it sends every due order in one
 * batch, keeping each order's intended time, so the latency measured from it stays honest.
 */
export function startLoadLoop(options: LoadLoopOptions): LoadLoop {
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const tick = () => {
    if (options.stopped()) return finish();
    const t = now();
    const slots = dueSlots(options.startAt, { rate: options.rate, count: options.total }, sent, t);
    if (slots.length > 0) {
      const orders = slots.map((slot) => options.next(slot.seq + 1));
      options.place(
        orders,
        slots.map((s) => s.intendedAt),
        t,
      );
      sent += slots.length;
    }
    if (sent >= options.total) return finish();
    timer = setTimeout(tick, Math.max(0, slotTime(options.startAt, options.rate, sent) - now()));
  };
  tick();
  return {
    done,
    sent: () => sent,
    wake() {
      clearTimeout(timer);
      finish();
    },
  };
}
