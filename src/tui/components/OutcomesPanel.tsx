import { Box, Text } from 'ink';
import type { RunSnapshot } from '../../engine/events.js';
import { count } from '../format.js';

interface Segment {
  label: string;
  value: number;
  color: string;
  /** Told apart without colour too (NO_COLOR, a monochrome terminal). */
  glyph: string;
}

/** A proportional bar of saga outcomes, with the counts beneath; `rows` 1 folds the counts into the bar's line. */
export function OutcomesPanel({ s, width, rows = 3 }: { s: RunSnapshot; width: number; rows?: 1 | 3 }) {
  const r = s.cancelledByReason;
  const segments: Segment[] = [
    { label: 'confirmed', value: s.confirmed, color: 'green', glyph: '█' },
    { label: 'payment failed', value: r.payment_failed, color: 'red', glyph: '▓' },
    { label: 'out of stock', value: r.out_of_stock, color: 'yellow', glyph: '▒' },
    { label: 'both', value: r.payment_and_stock, color: 'magenta', glyph: '░' },
    { label: 'failed', value: s.failed, color: 'redBright', glyph: '╳' },
    { label: 'pending', value: Math.max(0, s.inFlight), color: 'gray', glyph: '·' },
  ];
  const total = segments.reduce((n, x) => n + x.value, 0);
  const barWidth = rows === 1 ? Math.max(10, Math.min(30, width - 70)) : Math.max(10, width - 14);
  const outcomeBar = (
    <Text>
      {segments.map((x) => (
        <Text key={x.label} color={x.color}>
          {x.glyph.repeat(total === 0 ? 0 : Math.round((x.value / total) * barWidth))}
        </Text>
      ))}
    </Text>
  );
  if (rows === 1) {
    return (
      <Text wrap="truncate">
        <Text bold>{'Outcomes    '}</Text>
        {outcomeBar}
        <Text color="green">{` ✔ ${count(s.confirmed)}`}</Text>
        <Text color="red">{` ✘ ${count(s.cancelled)}`}</Text>
        {s.failed > 0 ? <Text color="redBright">{` ╳ ${count(s.failed)}`}</Text> : null}
        <Text color="yellow">{` ↺ ${count(s.compensations.inventoryReleased)}/${count(s.compensations.paymentRefunded)}`}</Text>
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold>{'Outcomes    '}</Text>
        {outcomeBar}
      </Box>
      <Text wrap="truncate">
        {'            '}
        <Text color="gray">{`· PENDING ${count(s.inFlight)}`}</Text>
        {' · '}
        <Text color="green">{`█ CONFIRMED ${count(s.confirmed)}`}</Text>
        {' · '}
        <Text color="red">{`CANCELLED ${count(s.cancelled)}`}</Text>
        {` (▓ payment ${count(r.payment_failed)} · ▒ stock ${count(r.out_of_stock)} · ░ both ${count(r.payment_and_stock)})`}
        {s.failed > 0 ? <Text color="redBright">{` · ╳ FAILED ${count(s.failed)}`}</Text> : null}
      </Text>
      <Text wrap="truncate">
        {'            '}
        <Text color="yellow">{`compensations: inventory released ${count(s.compensations.inventoryReleased)} · payment refunded ${count(s.compensations.paymentRefunded)}`}</Text>
      </Text>
    </Box>
  );
}
