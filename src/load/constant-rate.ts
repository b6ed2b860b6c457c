/** One order's place in the schedule. Times are epoch milliseconds with sub-millisecond precision. */
export interface Slot {
  seq: number;
  /** When the schedule says this order should be sent; latency is measured from here. */
  intendedAt: number;
}

export interface ScheduleOptions {
  /** Orders per second. */
  rate: number;
  /** Stop after this many orders (unbounded if absent). */
  count?: number;
  /** Stop after this long, in ms (unbounded if absent). */
  durationMs?: number;
}

/** The n-th slot of a constant-rate schedule starting at startAt. */
export function slotTime(startAt: number, rate: number, seq: number): number {
  return startAt + (seq * 1000) / rate;
}

/** Total number of slots a schedule will produce, or Infinity. */
export function plannedCount(options: ScheduleOptions): number {
  const byDuration = options.durationMs !== undefined ? Math.ceil((options.durationMs / 1000) * options.rate) : Infinity;
  return Math.min(options.count ?? Infinity, byDuration);
}

/** Slots from `from` that are due at `now`, capped at the planned total. */
export function dueSlots(startAt: number, options: ScheduleOptions, from: number, now: number): Slot[] {
  const total = plannedCount(options);
  const dueUpTo = Math.min(total, Math.floor(((now - startAt) * options.rate) / 1000) + 1);
  const slots: Slot[] = [];
  for (let seq = from; seq < dueUpTo; seq++) slots.push({ seq, intendedAt: slotTime(startAt, options.rate, seq) });
  return slots;
}
