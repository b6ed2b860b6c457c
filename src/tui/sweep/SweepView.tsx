import { Box, Static, Text } from 'ink';
import { bar, count } from '../format.js';
import type { SweepViewState } from './state.js';

const f3 = (n: number) => n.toFixed(3);

/** Finished points are printed once (<Static>); only the running point repaints. */
export function SweepView({ state }: { state: SweepViewState }) {
  const total = state.values.length;
  const c = state.current;
  const s = c?.snapshot;
  return (
    <Box flexDirection="column">
      <Static items={state.done}>
        {(p) => (
          <Text key={p.value} color={!p.invariantsPassed || p.flagged ? 'red' : undefined}>
            {`${state.param} = ${String(p.value).padEnd(8)} confirmed ${String(p.confirmed).padStart(6)}/${p.orders}  ${f3(p.share.confirmed)} [${f3(p.ci[0])}, ${f3(p.ci[1])}]  ` +
              `expected ${p.expected === null ? '—' : f3(p.expected)}${p.flagged ? ' !' : ''}  ${p.sagasPerSecond} sagas/s  invariants ${p.invariantsPassed ? 'pass' : 'FAIL'}`}
          </Text>
        )}
      </Static>
      <Text>
        <Text color="cyan">{bar(state.done.length / Math.max(1, total), 30)}</Text>
        {` ${state.done.length}/${total} points`}
        {c ? <Text bold>{`  running ${state.param} = ${c.value}`}</Text> : null}
      </Text>
      {s ? (
        <Text dimColor>
          {`  ${s.phase} · sent ${count(s.sent)}/${count(s.planned)} · in flight ${count(s.inFlight)} · confirmed ${count(s.confirmed)} · cancelled ${count(s.cancelled)} · ${count(s.currentRate)} sagas/s`}
        </Text>
      ) : null}
    </Box>
  );
}
