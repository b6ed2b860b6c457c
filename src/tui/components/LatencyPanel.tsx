import { Box, Text } from 'ink';
import type { LatencyLadders } from '../../engine/outcomes.js';
import type { LatencySummary } from '../../metrics/histogram.js';
import { ms } from '../format.js';

const COLUMNS: [string, keyof LatencySummary][] = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['p99.99', 'p9999'],
  ['max', 'max'],
];

function row(label: string, l: LatencySummary, color?: string) {
  return (
    <Text key={label} color={color} wrap="truncate">
      {label.padEnd(14)}
      {COLUMNS.map(([, key]) => ms(l[key]).padStart(9)).join('')}
      {`  n=${l.count}`}
    </Text>
  );
}

/** Percentile ladders (corrected beside uncorrected, and by outcome) and a log-scale distribution. */
export function LatencyPanel({ latency, width }: { latency: LatencyLadders; width: number }) {
  const c = latency.corrected;
  const floor = Math.max(0.001, c.p50 / 10);
  const top = Math.max(c.max, floor * 10);
  const barWidth = Math.max(10, Math.min(50, width - 30));
  const scale = (v: number) => (v <= floor ? 0 : Math.log(v / floor) / Math.log(top / floor));
  return (
    <Box flexDirection="column">
      <Text bold>{'Latency'.padEnd(14) + COLUMNS.map(([h]) => h.padStart(9)).join('')}</Text>
      {row('corrected', c)}
      {row('uncorrected', latency.uncorrected, 'gray')}
      {row('confirmed', latency.confirmed, 'green')}
      {row('cancelled', latency.cancelled, 'red')}
      {c.count > 0
        ? COLUMNS.map(([label, key]) => (
            <Text key={`d-${label}`} wrap="truncate">
              <Text dimColor>{`  ${label.padEnd(7)}${ms(c[key]).padStart(9)} `}</Text>
              <Text color="cyan">{'▇'.repeat(Math.max(1, Math.round(scale(c[key]) * barWidth)))}</Text>
            </Text>
          ))
        : null}
    </Box>
  );
}
