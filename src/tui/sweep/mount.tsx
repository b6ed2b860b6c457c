import { render, type Instance } from 'ink';
import { useEffect, useReducer } from 'react';
import type { EngineListener } from '../../engine/events.js';
import type { SweepPoint } from '../../experiment/sweep.js';
import { MAX_FPS } from '../mount.js';
import { reduceSweep, type SweepViewAction, type SweepViewState } from './state.js';
import { SweepView } from './SweepView.js';

type Feed = (listener: (action: SweepViewAction) => void) => void;

function SweepApp({ initial, feed }: { initial: SweepViewState; feed: Feed }) {
  const [state, dispatch] = useReducer(reduceSweep, initial);
  useEffect(() => feed(dispatch), [feed]);
  return <SweepView state={state} />;
}

export interface SweepDisplay {
  pointStart(index: number, value: number): EngineListener;
  pointDone(point: SweepPoint): void;
  close(): void;
}

/** The live sweep view. It only receives the sweep's progress and each point's engine snapshots. */
export function mountSweepView(param: string, values: readonly number[]): SweepDisplay {
  let send: (action: SweepViewAction) => void = () => undefined;
  let lastSnapshotAt = 0;
  let instance: Instance | undefined = render(<SweepApp initial={{ param, values, done: [] }} feed={(listener) => (send = listener)} />, {
    maxFps: MAX_FPS,
    patchConsole: false,
    // No keys here: Ctrl-C stays a signal, which the sweep command turns into an abort.
    exitOnCtrlC: false,
  });
  return {
    pointStart(index, value) {
      send({ type: 'point-start', index, value });
      return (event) => {
        // A few updates a second are plenty for one progress line.
        if (event.type !== 'snapshot' || event.snapshot.elapsedMs - lastSnapshotAt < 250) return;
        lastSnapshotAt = event.snapshot.elapsedMs;
        send({ type: 'snapshot', snapshot: event.snapshot });
      };
    },
    pointDone: (point) => {
      lastSnapshotAt = 0;
      send({ type: 'point-done', point });
    },
    close() {
      instance?.unmount();
      instance?.cleanup();
      instance = undefined;
    },
  };
}
