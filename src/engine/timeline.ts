import type { EngineEvent } from './events.js';

/** One point of the run over time (the report's timeline, drawn by --html). */
export interface TimelinePoint {
  /** ms since the load began. */
  atMs: number;
  sentPerSecond: number;
  donePerSecond: number;
  inFlight: number;
}

/** Points at most this often, so an hour's run keeps 3,600. */
const EVERY_MS = 1000;

/** Keeps a point a second from the engine's snapshots. */
export class TimelineRecorder {
  readonly points: TimelinePoint[] = [];
  private sent = 0;
  private done = 0;
  private lastAt = -Infinity;

  readonly listener = (event: EngineEvent): void => {
    if (event.type !== 'snapshot') return;
    const s = event.snapshot;
    if (s.elapsedMs - this.lastAt < EVERY_MS) return;
    const finished = s.confirmed + s.cancelled + s.failed;
    const seconds = this.lastAt === -Infinity ? Math.max(0.001, s.elapsedMs / 1000) : (s.elapsedMs - this.lastAt) / 1000;
    this.points.push({
      atMs: Math.round(s.elapsedMs),
      sentPerSecond: Math.round(((s.sent - this.sent) / seconds) * 10) / 10,
      donePerSecond: Math.round(((finished - this.done) / seconds) * 10) / 10,
      inFlight: s.inFlight,
    });
    [this.sent, this.done, this.lastAt] = [s.sent, finished, s.elapsedMs];
  };
}
