import { Box, Text } from 'ink';
import type { RunSnapshot } from '../../engine/events.js';
import { count } from '../format.js';

interface Segment {
  label: string;
  value: number;
  color: string;
}

/** A proportional bar of saga outcomes, with the counts beneath. */
export function OutcomesPanel({ s, width }: { s: RunSnapshot; width: number }) {
  const r = s.cancelledByReason;
  const segments: Segment[] = [
    { label: 'confirmed', value: s.confirmed, color: 'green' },
    { label: 'payment failed', value: r.payment_failed, color: 'red' },
    { label: 'out of stock', value: r.out_of_stock, color: 'yellow' },
    { label: 'both', value: r.payment_and_stock, color: 'magenta' },
    { label: 'failed', value: s.failed, color: 'redBright' },
    { label: 'pending', value: Math.max(0, s.inFlight), color: 'gray' },
  ];
  const total = segments.reduce((n, x) => n + x.value, 0);
  const barWidth = Math.max(10, width - 14);
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold>{'Outcomes    '}</Text>
        <Text>
          {segments.map((x) => (
            <Text key={x.label} color={x.color}>
              {'█'.repeat(total === 0 ? 0 : Math.round((x.value / total) * barWidth))}
            </Text>
          ))}
        </Text>
      </Box>
      <Text wrap="truncate">
        {'            '}
        <Text color="gray">{`PENDING ${count(s.inFlight)}`}</Text>
        {' · '}
        <Text color="green">{`CONFIRMED ${count(s.confirmed)}`}</Text>
        {' · '}
        <Text color="red">{`CANCELLED ${count(s.cancelled)}`}</Text>
        {` (payment ${count(r.payment_failed)} · stock ${count(r.out_of_stock)} · both ${count(r.payment_and_stock)})`}
        {s.failed > 0 ? <Text color="redBright">{` · FAILED ${count(s.failed)}`}</Text> : null}
      </Text>
      <Text wrap="truncate">
        {'            '}
        <Text color="yellow">{`compensations: inventory released ${count(s.compensations.inventoryReleased)} · payment refunded ${count(s.compensations.paymentRefunded)}`}</Text>
      </Text>
    </Box>
  );
}
