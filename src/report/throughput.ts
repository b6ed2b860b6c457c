/** What the throughput figure is computed from (epoch ms throughout). */
export interface ThroughputInput {
  /** First intended send. */
  loadStart: number;
  /** Sagas that ended, and when the last of them did. */
  finished: number;
  lastTerminalAt: number;
  /** Warm-up length; 0 when the whole run is measured. */
  warmupMs: number;
  /** Sagas intended after the warm-up that ended, and when the last of them did. */
  measured: { finished: number; lastAt: number };
  /** Time the load was paused (p); not part of the window. Default 0. */
  pausedMs?: number;
}

/**
 * Sagas per second over the measured part of the load: from the first intended send (or the warm-up's
 * end, which the ramp before it would drag down) to the last saga's end, less the time it was paused.
 */
export function sagasPerSecond(t: ThroughputInput): number {
  const over = (count: number, from: number, to: number) => count / Math.max(0.001, (Math.max(to, from) - from - (t.pausedMs ?? 0)) / 1000);
  return t.warmupMs > 0 ? over(t.measured.finished, t.loadStart + t.warmupMs, t.measured.lastAt) : over(t.finished, t.loadStart, t.lastTerminalAt);
}
