import { useStdout } from 'ink';
import { useEffect, useReducer, useState } from 'react';
import type { EngineEvent, EngineListener } from '../engine/events.js';
import { Dashboard } from './Dashboard.js';
import { initialState, reduce } from './state.js';
import { useDashboardKeys, type Controls } from './use-keys.js';

export interface AppProps {
  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;
  controls: Controls;
}

/** Terminal size, updated on resize. */
function useTerminalSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 100, height: stdout.rows || 40 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  });
  return size;
}

/** Snapshots are folded into the state at most this often; every other event goes through at once. */
export const UPDATE_INTERVAL_MS = 125;

/**
 * Subscribes to the engine and batches snapshots, so React and Ink work at most 8 times a second
 * however often the engine publishes: drawing the dashboard is the costliest thing it does.
 */
function useEngineState(subscribe: AppProps['subscribe']) {
  const [state, dispatch] = useReducer(reduce, initialState);
  useEffect(() => {
    let pending: EngineEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const events = pending;
      pending = [];
      for (const event of events) dispatch({ type: 'engine', event });
    };
    const unsubscribe = subscribe((event) => {
      pending.push(event);
      if (event.type !== 'snapshot') flush();
      else timer ??= setTimeout(flush, UPDATE_INTERVAL_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [subscribe]);
  return [state, dispatch] as const;
}

export function App({ subscribe, controls }: AppProps) {
  const [state, dispatch] = useEngineState(subscribe);
  useDashboardKeys(dispatch, controls);
  const { width, height } = useTerminalSize();
  return <Dashboard state={state} width={width} height={height} />;
}
