import type { RunSnapshot } from '../../engine/events.js';
import type { SweepPoint } from '../../experiment/sweep.js';

/** The sweep view's state: finished points, and the point running now. */
export interface SweepViewState {
  param: string;
  values: readonly number[];
  done: SweepPoint[];
  current?: { index: number; value: number; snapshot?: RunSnapshot };
}

export type SweepViewAction =
  | { type: 'point-start'; index: number; value: number }
  | { type: 'snapshot'; snapshot: RunSnapshot }
  | { type: 'point-done'; point: SweepPoint };

/** Pure: a fold over the sweep's progress. */
export function reduceSweep(state: SweepViewState, action: SweepViewAction): SweepViewState {
  switch (action.type) {
    case 'point-start':
      return { ...state, current: { index: action.index, value: action.value } };
    case 'snapshot':
      return state.current ? { ...state, current: { ...state.current, snapshot: action.snapshot } } : state;
    case 'point-done':
      return { ...state, done: [...state.done, action.point], current: undefined };
  }
}
