import { Box, Text } from 'ink';
import type { LatencyLadders } from '../../engine/outcomes.js';
import type { LatencySummary } from '../../metrics/histogram.js';
import { count, ms } from '../format.js';

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

type Bucket = { upToMs: number; count: number };

/**
 * At most `rows` buckets: the run of consecutive buckets that holds the most samples, with what lies
 * below it counted in its first row and what lies above in its last (so no sample goes unshown).
 */
export function fitBuckets(buckets: readonly Bucket[], rows: number): { label: string; count: number }[] {
  if (buckets.length === 0 || rows <= 0) return [];
  const n = Math.min(rows, buckets.length);
  let best = 0;
  let bestSum = -1;
  for (let i = 0; i + n <= buckets.length; i++) {
    const sum = buckets.slice(i, i + n).reduce((t, b) => t + b.count, 0);
    if (sum > bestSum) [best, bestSum] = [i, sum];
  }
  const below = buckets.slice(0, best).reduce((t, b) => t + b.count, 0);
  const above = buckets.slice(best + n).reduce((t, b) => t + b.count, 0);
  return buckets.slice(best, best + n).map((b, i) => {
    const last = i === n - 1;
    const overflow = last && (above > 0 || b.upToMs === Infinity);
    const prev = buckets[best + i - 1]?.upToMs;
    const label = overflow ? `> ${ms(prev ?? 0)}` : `≤ ${ms(b.upToMs)}`;
    return { label, count: b.count + (i === 0 ? below : 0) + (last ? above : 0) };
  });
}

/** Percentile ladders (corrected beside uncorrected, and by outcome) and counts per log-scale bucket. */
export function LatencyPanel({ latency, width, ladderRows = 4, distributionRows = 8 }: { latency: LatencyLadders; width: number; ladderRows?: 2 | 4; distributionRows?: number }) {
  const c = latency.corrected;
  const corrected = fitBuckets(latency.buckets.corrected, distributionRows);
  const uncorrected = fitBuckets(latency.buckets.uncorrected, distributionRows);
  const peak = Math.max(1, ...corrected.map((b) => b.count), ...uncorrected.map((b) => b.count));
  const half = Math.max(6, Math.floor((width - 40) / 2));
  const bar = (n: number) => '▇'.repeat(n === 0 ? 0 : Math.max(1, Math.round((n / peak) * half)));
  return (
    <Box flexDirection="column" overflow="hidden">
      <Text bold wrap="truncate">{'Latency'.padEnd(14) + COLUMNS.map(([h]) => h.padStart(9)).join('')}</Text>
      {row('corrected', c)}
      {row('uncorrected', latency.uncorrected, 'gray')}
      {ladderRows === 4 ? row('confirmed', latency.confirmed, 'green') : null}
      {ladderRows === 4 ? row('cancelled', latency.cancelled, 'red') : null}
      {c.count > 0 && corrected.length > 0 ? (
        <Text dimColor wrap="truncate">{`  count per bucket   ${'corrected'.padEnd(half + 8)} uncorrected`}</Text>
      ) : null}
      {c.count > 0
        ? corrected.map((b, i) => {
            const u = uncorrected[i];
            return (
              <Text key={`d-${i}`} wrap="truncate">
                <Text dimColor>{`  ${b.label.padStart(10)} `}</Text>
                <Text color="cyan">{bar(b.count).padEnd(half)}</Text>
                <Text>{` ${count(b.count).padStart(7)}  `}</Text>
                {u ? <Text color="gray">{`${u.label.padStart(10)} ${bar(u.count)} ${count(u.count)}`}</Text> : null}
              </Text>
            );
          })
        : null}
    </Box>
  );
}
