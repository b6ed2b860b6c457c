import { render, type Instance } from 'ink';
import type { RunEngine } from '../engine/run.js';
import { App } from './App.js';

/** Ink repaints at most this often; the engine publishes snapshots every 100 ms. */
export const MAX_FPS = 8;

export interface MountedDashboard {
  /** Clears the live dashboard and gives the terminal back (raw mode off, cursor shown). */
  close(): void;
}

/** Mounts the live dashboard on a run. The dashboard only subscribes to the engine's events. */
export function mountDashboard(engine: RunEngine, abort: () => void): MountedDashboard {
  let instance: Instance | undefined = render(
    <App
      subscribe={(listener) => engine.subscribe(listener)}
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
      instance.clear();
      instance.unmount();
      instance.cleanup();
      instance = undefined;
    },
  };
}
