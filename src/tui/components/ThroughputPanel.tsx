import { Box, Text } from 'ink';
import { count, sparkline } from '../format.js';

export function ThroughputPanel({ history, peak, width }: { history: readonly number[]; peak: number; width: number }) {
  const now = history.at(-1) ?? 0;
  return (
    <Box>
      <Text bold>{'Throughput  '}</Text>
      <Text color="cyan">{sparkline(history, Math.max(10, width - 45))}</Text>
      <Text>{`  now ${count(now)} sagas/s · peak ${count(peak)}`}</Text>
    </Box>
  );
}
