import { Box, Text } from 'ink';
import type { TailEntry } from '../state.js';

/** Colour by what an event means for the saga. */
export function colorOf(type: string): string {
  if (type === 'order.confirmed.v1') return 'green';
  if (type === 'order.cancelled.v1' || type === 'order.failed.v1') return 'red';
  if (type.endsWith('.failed.v1')) return 'redBright';
  if (type.endsWith('.released.v1') || type.endsWith('.refunded.v1')) return 'yellow';
  if (type === 'order.created.v1') return 'cyan';
  return 'white';
}

export function EventTail({ events, rows }: { events: readonly TailEntry[]; rows: number }) {
  const shown = events.slice(-rows);
  return (
    <Box flexDirection="column">
      <Text bold>{'Events      '}<Text dimColor>(e hides)</Text></Text>
      {shown.map((e, i) => (
        <Text key={`${e.at}-${i}`} wrap="truncate">
          <Text dimColor>{new Date(e.at).toISOString().slice(11, 23)}</Text>
          {'fault' in e ? (
            <Text color="magenta" bold>{`  ✖ fault: ${e.fault}`}</Text>
          ) : (
            <>
              {`  ${e.orderId.padEnd(14)} `}
              <Text color={colorOf(e.type)}>{e.type}</Text>
            </>
          )}
        </Text>
      ))}
    </Box>
  );
}
