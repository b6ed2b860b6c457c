import { Box, Text } from 'ink';
import { EventTail } from './components/EventTail.js';
import { Header } from './components/Header.js';
import { HealthPanel } from './components/HealthPanel.js';
import { HelpPanel } from './components/HelpPanel.js';
import { LatencyPanel } from './components/LatencyPanel.js';
import { LoadPanel } from './components/LoadPanel.js';
import { OutcomesPanel } from './components/OutcomesPanel.js';
import { StepsPanel } from './components/StepsPanel.js';
import { ThroughputPanel } from './components/ThroughputPanel.js';
import type { DashboardState } from './state.js';

/** Narrowest layout the dashboard is designed for. */
export const MIN_WIDTH = 80;
/** From this width on, latency sits beside the other panels. */
const WIDE = 150;

/** Renders a state; knows nothing of the engine, NATS or workers. */
export function Dashboard({ state, width, height }: { state: DashboardState; width: number; height: number }) {
  const w = Math.max(MIN_WIDTH, width);
  const s = state.snapshot;
  const wide = w >= WIDE;
  const column = wide ? Math.floor(w / 2) - 1 : w;
  const tailRows = Math.max(3, Math.min(12, height - (wide ? 20 : 28)));
  return (
    <Box flexDirection="column" width={w}>
      <Header state={state} width={w} />
      {s ? (
        <Box flexDirection={wide ? 'row' : 'column'} marginTop={1}>
          <Box flexDirection="column" width={column}>
            <LoadPanel s={s} />
            <OutcomesPanel s={s} width={column} />
            <ThroughputPanel history={state.throughput} points={state.points} faultPoints={state.faultPoints} peak={state.peakRate} width={column} />
            <StepsPanel steps={s.latency.steps} />
            <HealthPanel s={s} />
          </Box>
          <Box flexDirection="column" width={column} marginTop={wide ? 0 : 1}>
            <LatencyPanel latency={s.latency} width={column} />
          </Box>
        </Box>
      ) : (
        <Text dimColor>{`${state.phase}…`}</Text>
      )}
      {state.warnings.map((warning) => (
        <Text key={warning} color="yellow">{`warning: ${warning}`}</Text>
      ))}
      {s && state.showTail ? (
        <Box marginTop={1}>
          <EventTail events={state.tail} rows={tailRows} />
        </Box>
      ) : null}
      {state.showHelp ? <HelpPanel /> : <Text dimColor>q stop · p pause · +/- rate · e events · ? help</Text>}
    </Box>
  );
}
