import { Text } from 'ink';
import type { LatencyLadders } from '../../engine/outcomes.js';
import type { LatencySummary } from '../../metrics/histogram.js';
import { ms } from '../format.js';

const step = (label: string, l: LatencySummary) => `${label} p50 ${ms(l.p50)} p99 ${ms(l.p99)}`;

export function StepsPanel({ steps }: { steps: LatencyLadders['steps'] }) {
  return (
    // One Text, truncated as a whole: a row of two would wrap the label when the line is too long.
    <Text wrap="truncate">
      <Text bold>{'Steps       '}</Text>
      {[step('created→payment', steps.payment), step('created→inventory', steps.inventory), step('compensation', steps.compensation)].join(' · ')}
    </Text>
  );
}
