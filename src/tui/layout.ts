/**
 * What the dashboard shows for the window's height, by priority: never taller than the window
 * (a frame taller than the terminal scrolls, and Ink then repeats it in the scrollback). First to
 * go: the latency distribution (after the event tail, when the user asked for it), the by-outcome
 * ladders, the spacing, the steps; the outcomes fold into one line. The header, load, outcomes,
 * corrected latency, health and keys always stay.
 */
export interface Layout {
  outcomesRows: 1 | 3;
  /** Latency ladder rows: corrected and uncorrected (2), or also by outcome (4). */
  ladderRows: 2 | 4;
  /** Rows of the log-scale distribution (0: none). */
  distributionRows: number;
  showSteps: boolean;
  spacing: boolean;
  tailRows: number;
}

const HEADER = 2;
const FOOTER = 1;
const MAX_DISTRIBUTION = 8;
const MAX_TAIL = 12;

/** `help`: rows of the help panel when shown (it takes the footer's place). `extra`: warning lines. */
export function layoutFor(height: number, wide: boolean, o: { tail: boolean; helpRows: number; extra: number }): Layout {
  // One row short of the window: a frame of exactly its height scrolls by a line on some terminals.
  const budget = Math.max(8, height - 1) - HEADER - Math.max(FOOTER, o.helpRows) - o.extra;
  const l: Layout = { outcomesRows: 1, ladderRows: 2, distributionRows: 0, showSteps: false, spacing: false, tailRows: 0 };
  // Left: load 1 + outcomes + throughput 1 + steps + health 2. Right (beside it when wide, below when not): ladders + 1 header + distribution.
  const left = () => 1 + l.outcomesRows + 1 + (l.showSteps ? 1 : 0) + 2;
  const right = () => 1 + l.ladderRows + l.distributionRows + (l.distributionRows > 0 ? 1 : 0);
  // Spacing: a blank line under the header, and (narrow) one above the latency.
  const body = () => (wide ? Math.max(left(), right()) + (l.spacing ? 1 : 0) : left() + right() + (l.spacing ? 2 : 0));
  // The tail: its events, its heading, and a blank line above it.
  const used = () => body() + (l.tailRows > 0 ? l.tailRows + 2 : 0);
  const tryStep = (apply: () => void, undo: () => void) => {
    apply();
    if (used() > budget) undo();
  };
  tryStep(() => (l.showSteps = true), () => (l.showSteps = false));
  tryStep(() => (l.outcomesRows = 3), () => (l.outcomesRows = 1));
  tryStep(() => (l.spacing = true), () => (l.spacing = false));
  tryStep(() => (l.ladderRows = 4), () => (l.ladderRows = 2));
  /** The most rows of `key` from max down to min that fit, or none. */
  const grow = (key: 'distributionRows' | 'tailRows', max: number, min: number) => {
    const before = l[key];
    for (let rows = max; rows >= min; rows--) {
      l[key] = rows;
      if (used() <= budget) return;
    }
    l[key] = before;
  };
  // A tail the user asked for (e) comes before the distribution; it grows once the distribution has its rows.
  if (o.tail) grow('tailRows', 6, 3);
  grow('distributionRows', MAX_DISTRIBUTION, 3);
  if (o.tail && l.tailRows > 0) grow('tailRows', MAX_TAIL, l.tailRows);
  return l;
}
