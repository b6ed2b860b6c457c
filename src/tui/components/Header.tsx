import { Box, Text } from 'ink';
import type { DashboardState } from '../state.js';
import { bar, clock, count } from '../format.js';

export function Header({ state, width }: { state: DashboardState; width: number }) {
  const { info, broker, snapshot: s } = state;
  const planned = s?.planned ?? info?.planned ?? 0;
  const sent = s?.sent ?? 0;
  const rate = s?.targetRate ?? info?.rate ?? 0;
  const remainingMs = rate > 0 && planned > sent ? ((planned - sent) / rate) * 1000 : 0;
  const where = broker ? `${broker.embedded ? 'embedded' : 'external'} nats-server ${broker.version} ${broker.url}` : 'starting nats-server…';
  const status = state.stopping && state.phase !== 'done' ? 'stopping: draining sagas in flight' : state.phase;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color="cyan">saga-sim </Text>
        <Text bold>{info?.scenario ?? '…'}</Text>
        <Text dimColor>{info ? `  seed ${info.seed} · ${info.topology} · ${info.delivery} · ${where}` : ''}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={state.stopping ? 'yellow' : 'cyan'} bold>{`${status}  `}</Text>
        <Text color="cyan">{bar(planned > 0 ? sent / planned : 0, Math.max(10, Math.min(40, width - 60 - status.length)))}</Text>
        {` ${count(sent)}/${count(planned)} orders · ${clock(s?.elapsedMs ?? 0)} elapsed · ${s?.paused ? 'paused' : `~${clock(remainingMs)} left`}`}
      </Text>
    </Box>
  );
}
