import { useStdout } from 'ink';
import { useEffect, useReducer, useState } from 'react';
import type { EngineListener } from '../engine/events.js';
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

export function App({ subscribe, controls }: AppProps) {
  const [state, dispatch] = useReducer(reduce, initialState);
  useEffect(() => subscribe((event) => dispatch({ type: 'engine', event })), [subscribe]);
  useDashboardKeys(dispatch, controls);
  const { width, height } = useTerminalSize();
  return <Dashboard state={state} width={width} height={height} />;
}
