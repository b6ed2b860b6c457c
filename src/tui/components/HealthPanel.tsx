import { Box, Text } from 'ink';
import type { RunSnapshot } from '../../engine/events.js';
import { count } from '../format.js';

const STATUS_COLOR = { starting: 'yellow', running: 'green', restarting: 'magenta', stopped: 'gray', crashed: 'red' } as const;

export function HealthPanel({ s }: { s: RunSnapshot }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{'Health      '}</Text>
        {'NATS '}
        <Text color={s.connection === 'connected' ? 'green' : 'red'}>{s.connection}</Text>
        {' · '}
        <Text color={s.deadLetters > 0 ? 'red' : undefined}>{`dead letters ${count(s.deadLetters)}`}</Text>
        {` · duplicates ${count(s.duplicates)}`}
      </Text>
      <Text wrap="truncate">
        {'            '}
        {s.services.map((svc) => (
          <Text key={svc.name}>
            {`${svc.name} `}
            <Text color={STATUS_COLOR[svc.status]}>{`● ${svc.status}`}</Text>
            {svc.restarts > 0 ? <Text color="magenta">{` ↻${svc.restarts}`}</Text> : null}
            {` ${count(svc.handled)}  `}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
