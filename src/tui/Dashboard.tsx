import { Box, Text } from 'ink';
import { EventTail } from './components/EventTail.js';
import { Header } from './components/Header.js';
import { HealthPanel } from './components/HealthPanel.js';
import { HELP_ROWS, HelpPanel } from './components/HelpPanel.js';
import { LatencyPanel } from './components/LatencyPanel.js';
import { LoadPanel } from './components/LoadPanel.js';
import { OutcomesPanel } from './components/OutcomesPanel.js';
import { StepsPanel } from './components/StepsPanel.js';
import { ThroughputPanel } from './components/ThroughputPanel.js';
import { layoutFor } from './layout.js';
import type { DashboardState } from './state.js';
import type { Phase } from '../engine/events.js';

/** Narrowest layout the dashboard is designed for. */
export const MIN_WIDTH = 80;
/** From this width on, latency sits beside the other panels. */
const WIDE = 150;

const STARTUP: [Phase, string][] = [
  ['starting-broker', 'starting nats-server'],
  ['provisioning', 'provisioning streams, consumers and state buckets'],
  ['starting-services', 'starting the order, payment and inventory workers'],
];

/** Until the first snapshot: each start-up step, done or under way. */
function Startup({ phase }: { phase: Phase }) {
  const found = STARTUP.findIndex(([p]) => p === phase);
  // Past the start-up (loading, before the first snapshot): every step done.
  const at = found < 0 ? STARTUP.length : found;
  return (
    <Box flexDirection="column" marginTop={1}>
      {STARTUP.map(([p, text], i) => (
        <Text key={p} color={i < at ? 'green' : i === at ? 'cyan' : undefined} dimColor={i > at}>
          {`${i < at ? '✔' : i === at ? '…' : ' '} ${text}`}
        </Text>
      ))}
    </Box>
  );
}

/** Renders a state for a window of `width` × `height`; knows nothing of the engine, NATS or workers. */
export function Dashboard({ state, width, height }: { state: DashboardState; width: number; height: number }) {
  const w = Math.max(MIN_WIDTH, width);
  const s = state.snapshot;
  const wide = w >= WIDE;
  const column = wide ? Math.floor(w / 2) - 1 : w;
  const layout = layoutFor(height, wide, { tail: state.showTail, helpRows: state.showHelp ? HELP_ROWS : 0, extra: state.warnings.length });
  return (
    <Box flexDirection="column" width={w}>
      <Header state={state} width={w} />
      {s ? (
        <Box flexDirection={wide ? 'row' : 'column'} marginTop={layout.spacing ? 1 : 0}>
          <Box flexDirection="column" width={column} overflow="hidden">
            <LoadPanel s={s} />
            <OutcomesPanel s={s} width={column} rows={layout.outcomesRows} />
            <ThroughputPanel history={state.throughput} points={state.points} faultPoints={state.faultPoints} peak={state.peakRate} width={column} />
            {layout.showSteps ? <StepsPanel steps={s.latency.steps} /> : null}
            <HealthPanel s={s} />
          </Box>
          <Box flexDirection="column" width={column} marginTop={!wide && layout.spacing ? 1 : 0} marginLeft={wide ? 2 : 0} overflow="hidden">
            <LatencyPanel latency={s.latency} width={column} ladderRows={layout.ladderRows} distributionRows={layout.distributionRows} />
          </Box>
        </Box>
      ) : (
        <Startup phase={state.phase} />
      )}
      {state.warnings.map((warning) => (
        <Text key={warning} color="yellow" wrap="truncate">{`warning: ${warning}`}</Text>
      ))}
      {s && layout.tailRows > 0 ? (
        <Box marginTop={1}>
          <EventTail events={state.tail} rows={layout.tailRows} />
        </Box>
      ) : null}
      {state.showHelp ? <HelpPanel /> : <Text dimColor>q stop · p pause · +/- rate · e events · ? help</Text>}
    </Box>
  );
}
