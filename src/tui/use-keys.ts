import { useInput } from 'ink';
import { useRef } from 'react';
import type { DashboardAction } from './state.js';

/** What the keys may ask of the run. The dashboard never touches the engine otherwise. */
export interface Controls {
  /** Stop placing orders, drain, finish with the summary (q). */
  stop(): void;
  /** The same, but the run counts as interrupted (first Ctrl-C). */
  interrupt(): void;
  /** Give up at once (second Ctrl-C). */
  abort(): void;
  togglePause(): void;
  scaleRate(factor: number): void;
}

/** Rate step of the + and - keys. */
export const RATE_STEP = 0.1;

/** Maps keys to dashboard actions and run controls. */
export function useDashboardKeys(dispatch: (action: DashboardAction) => void, controls: Controls): void {
  const stopping = useRef(false);
  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (stopping.current) return controls.abort();
      stopping.current = true;
      dispatch({ type: 'stopping' });
      return controls.interrupt();
    }
    switch (input) {
      case 'q':
        if (stopping.current) return;
        stopping.current = true;
        dispatch({ type: 'stopping' });
        return controls.stop();
      case 'p':
        return controls.togglePause();
      case '+':
      case '=':
        return controls.scaleRate(1 + RATE_STEP);
      case '-':
      case '_':
        return controls.scaleRate(1 - RATE_STEP);
      case 'e':
        return dispatch({ type: 'toggle-tail' });
      case '?':
        return dispatch({ type: 'toggle-help' });
      default:
        return;
    }
  });
}
