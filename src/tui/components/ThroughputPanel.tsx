import { Text } from 'ink';
import { count, sparkline } from '../format.js';

/** The marker drawn on the chart where a fault took effect. */
export const FAULT_MARK = '╳';

/**
 * `history` holds the latest points of `points` received; `faultPoints` are the point counts at
 * which faults took effect, drawn as markers over the sparkline.
 */
export function ThroughputPanel(props: { history: readonly number[]; points: number; faultPoints: readonly number[]; peak: number; width: number }) {
  const { history, peak, width } = props;
  const now = history.at(-1) ?? 0;
  const chars = [...sparkline(history, Math.max(10, width - 45))];
  const first = props.points - chars.length;
  for (const p of props.faultPoints) if (p >= first && p - first < chars.length) chars[p - first] = FAULT_MARK;
  return (
    <Text wrap="truncate">
      <Text bold>{'Throughput  '}</Text>
      <Text>
        {runs(chars).map((run, i) => (
          <Text key={i} color={run.startsWith(FAULT_MARK) ? 'magenta' : 'cyan'}>
            {run}
          </Text>
        ))}
      </Text>
      <Text>{`  now ${count(now)} sagas/s · peak ${count(peak)}`}</Text>
    </Text>
  );
}

/** Consecutive characters of one colour, so a chart is a few Text nodes rather than one per column. */
function runs(chars: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of chars) {
    const last = out.at(-1);
    if (last !== undefined && (c === FAULT_MARK) === last.startsWith(FAULT_MARK)) out[out.length - 1] = last + c;
    else out.push(c);
  }
  return out;
}
