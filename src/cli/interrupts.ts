import type { Engine } from '../engine/events.js';
import type { SeriesControl } from '../engine/series.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The one Ctrl-C behaviour of every command that runs sagas. The first Ctrl-C (or SIGTERM) stops
 * placing orders: the sagas in flight drain, the run is judged and reported as interrupted (exit
 * 130), and a sweep or find-max starts no further point. The second aborts at once. A lost
 * terminal (SIGHUP) aborts. The live dashboard, which reads Ctrl-C as a key, does the same.
 */
export class Interrupts implements SeriesControl {
  readonly abort = new AbortController();
  stopping = false;
  private engine: Engine | undefined;
  private notice: ((line: string) => void) | undefined;
  private wake: (() => void) | undefined;
  /** Resolves at the first stop or abort: for a command that serves until Ctrl-C. */
  readonly asked = new Promise<void>((resolve) => (this.wake = resolve));

  /** `notice`: where to say what the first Ctrl-C does (not while a dashboard owns the screen). */
  constructor(notice?: (line: string) => void) {
    this.notice = notice;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  watch(engine: Engine): void {
    this.engine = engine;
    if (this.stopping) engine.stopLoad();
  }

  /** Silences the notice while a live view owns the screen. */
  quiet(): void {
    this.notice = undefined;
  }

  /** The first stop drains, the second aborts. */
  stop(): void {
    this.wake?.();
    if (this.stopping) return this.abort.abort();
    this.stopping = true;
    this.notice?.('stopping the load and draining sagas in flight (Ctrl-C again to abort)');
    this.engine?.stopLoad();
  }

  /** Runs `body` with the signal handlers installed, and removes them on every path out. */
  async around<T>(body: () => Promise<T>): Promise<T> {
    const onStop = () => this.stop();
    const onHangup = () => {
      this.wake?.();
      this.abort.abort();
    };
    process.on('SIGINT', onStop);
    process.on('SIGTERM', onStop);
    process.on('SIGHUP', onHangup);
    try {
      return await body();
    } finally {
      for (const signal of SIGNALS) {
        process.off(signal, onStop);
        process.off(signal, onHangup);
      }
    }
  }
}
