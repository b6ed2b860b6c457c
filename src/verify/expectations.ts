import type { EventType } from '../events/subjects.js';

/** One step of an expected sequence: an event, or events that may occur in any order. */
export type Step = EventType | readonly EventType[];

export interface OrderExpectation {
  orderId: string;
  status?: 'CONFIRMED' | 'CANCELLED' | 'FAILED';
  events?: readonly Step[];
  notEvents?: readonly EventType[];
}

export interface ExpectationResult {
  orderId: string;
  /** Short name, unique per order: "status", "events" or "never <type>". */
  name: string;
  passed: boolean;
  details: string;
  /** For event sequences: expected against observed, one line each (" ", "-" missing, "+" extra). */
  diff?: string[];
}

export interface Observed {
  status: string;
  events: readonly EventType[];
}

export function checkExpectations(expectations: readonly OrderExpectation[], observe: (orderId: string) => Observed): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  for (const e of expectations) {
    const seen = observe(e.orderId);
    if (e.status) {
      const passed = seen.status === e.status;
      results.push({ orderId: e.orderId, name: 'status', passed, details: `expected ${e.status}, got ${seen.status}` });
    }
    if (e.events) {
      const missing = firstUnmatched(e.events, seen.events);
      results.push({
        orderId: e.orderId,
        name: 'events',
        passed: missing === undefined,
        details: missing === undefined ? 'occurred in order' : `step ${missing + 1} (${stepText(e.events[missing] as Step)}) did not occur in order`,
        diff: sequenceDiff(e.events, seen.events),
      });
    }
    for (const type of e.notEvents ?? []) {
      const count = seen.events.filter((t) => t === type).length;
      results.push({ orderId: e.orderId, name: `never ${type}`, passed: count === 0, details: count === 0 ? 'did not occur' : `occurred ${count} time(s)` });
    }
  }
  return results;
}

/** Index of the first step that cannot be matched in order, or undefined when all match. Greedy earliest match is optimal. */
export function firstUnmatched(steps: readonly Step[], observed: readonly EventType[]): number | undefined {
  let from = 0;
  for (let i = 0; i < steps.length; i++) {
    const members = typeof steps[i] === 'string' ? [steps[i] as EventType] : (steps[i] as readonly EventType[]);
    let last = from - 1;
    for (const member of members) {
      const at = observed.indexOf(member, from);
      if (at < 0) return i;
      last = Math.max(last, at);
    }
    from = last + 1;
  }
  return undefined;
}

function stepText(step: Step): string {
  return typeof step === 'string' ? step : `any order of ${step.join(', ')}`;
}

/**
 * A line diff of the expected sequence against the observed one. Groups are laid out in the order
 * they were observed, so a group satisfied in any order shows as matching.
 */
export function sequenceDiff(steps: readonly Step[], observed: readonly EventType[]): string[] {
  const expected = steps.flatMap((s) => {
    if (typeof s === 'string') return [s];
    const at = (t: EventType) => {
      const i = observed.indexOf(t);
      return i < 0 ? Infinity : i;
    };
    return [...s].sort((a, b) => at(a) - at(b));
  });
  // Longest common subsequence, then walk it to emit " ", "-" and "+" lines.
  const n = expected.length;
  const m = observed.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === observed[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === observed[j]) {
      lines.push(`  ${expected[i++]}`);
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) lines.push(`- ${expected[i++]}`);
    else lines.push(`+ ${observed[j++]}`);
  }
  return lines;
}
