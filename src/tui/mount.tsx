import { render, type Instance } from 'ink';
import type { EngineEvent } from '../engine/events.js';
import type { Engine } from '../engine/events.js';
import { App } from './App.js';

/** Ink repaints at most this often; the engine publishes snapshots every 100 ms. */
export const MAX_FPS = 8;

export interface MountedDashboard {
  /** Clears the live dashboard and gives the terminal back (raw mode off, cursor shown). */
  close(): void;
}

/**
 * Mounts the live dashboard on a run. The dashboard only subscribes to the engine's events;
 * `earlier` are those the run emitted while Ink was loading, replayed first so the first frame
 * shows where the start-up is.
 */
export function mountDashboard(engine: Engine, abort: () => void, earlier: { events: EngineEvent[]; stop(): void } = { events: [], stop: () => undefined }): MountedDashboard {
  let instance: Instance | undefined = render(
    <App
      subscribe={(listener) => {
        earlier.stop();
        for (const event of earlier.events.splice(0)) listener(event);
        return engine.subscribe(listener);
      }}
      controls={{
        stop: () => engine.stopLoad(false),
        interrupt: () => engine.stopLoad(true),
        abort,
        togglePause: () => engine.togglePause(),
        scaleRate: (factor) => engine.scaleRate(factor),
      }}
    />,
    { maxFps: MAX_FPS, exitOnCtrlC: false, patchConsole: false },
  );
  return {
    close() {
      if (!instance) return;
      // Ink writes its last frame again when it unmounts: an empty one leaves nothing above the summary.
      instance.rerender(<></>);
      instance.clear();
      instance.unmount();
      instance.cleanup();
      instance = undefined;
    },
  };
}
