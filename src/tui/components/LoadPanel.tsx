import { Text } from 'ink';
import type { RunSnapshot } from '../../engine/events.js';
import { count, ms } from '../format.js';

export function LoadPanel({ s }: { s: RunSnapshot }) {
  const behind = s.lateSends > 0;
  return (
    <Text wrap="truncate">
      <Text bold>{'Load        '}</Text>
      {s.paused ? <Text color="yellow" bold>{'⏸ PAUSED (p resumes) · '}</Text> : null}
      <Text>
        {`target ${count(s.targetRate)}/s · sent ${count(s.sendRate)}/s · in flight ${count(s.inFlight)} · `}
        <Text color={behind ? 'yellow' : undefined}>{`late ${count(s.lateSends)} (max lag ${ms(s.maxLagMs)})`}</Text>
        <Text color={s.droppedSends > 0 ? 'yellow' : undefined}>{` · dropped ${count(s.droppedSends)}`}</Text>
      </Text>
    </Text>
  );
}
