import type { ConnectionState, EngineEvent, EngineListener, Phase } from './events.js';
import type { LoadLoop } from './load-loop.js';
import { TimelineRecorder } from './timeline.js';

/**
 * What every engine shares with the displays that drive it: listeners, the phase, and the
 * controls of its load loop (stop, pause, rate). Subclasses run the phases.
 */
export abstract class EngineControls {
  private readonly listeners = new Set<EngineListener>();
  protected loadStopped = false;
  protected interrupted = false;
  protected load: LoadLoop | undefined;
  protected phase: Phase = 'starting-broker';
  protected connection: ConnectionState = 'connected';
  /** Aborted by the caller's signal (or a crash): every wait ends at once. */
  protected readonly abort = new AbortController();
  /** Throughput and in-flight over time, for the report. */
  protected readonly timeline = new TimelineRecorder();

  constructor() {
    this.listeners.add(this.timeline.listener);
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops placing new orders; sagas in flight still drain and the run is judged as usual.
   * `interrupted` (Ctrl-C) marks the report so the CLI exits 130; a deliberate stop (q) does not.
   */
  stopLoad(interrupted = true): void {
    this.loadStopped = true;
    this.interrupted ||= interrupted;
    this.load?.wake();
  }

  /** Pauses or resumes placing orders. A pause does not count as lateness. */
  togglePause(): void {
    const load = this.load;
    if (!load) return;
    if (load.stats().paused) load.resume();
    else load.pause();
  }

  /** Multiplies the order rate (e.g. 1.1 for +10%); in a closed loop, the concurrency. */
  scaleRate(factor: number): void {
    this.load?.scale(factor);
  }

  protected emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  protected enter(phase: Phase): void {
    this.phase = phase;
    this.emit({ type: 'phase', phase });
  }
}
