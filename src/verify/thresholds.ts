import type { Report } from '../report/report.js';

/** A pass/fail condition over one report metric, like k6's thresholds: "latency.p99 < 50ms". */
export interface Threshold {
  expression: string;
  metric: string;
  op: Operator;
  /** In the metric's own unit (milliseconds for latency, a 0..1 share for ratios). */
  value: number;
}

export interface ThresholdResult {
  expression: string;
  metric: string;
  /** The metric's value in this run, in its own unit (ms, a 0..1 share, a count or sagas/s). */
  actual: number;
  /** The same value with its unit, for people: "110.5 ms", "93.2%", "812.3 sagas/s". */
  shown: string;
  passed: boolean;
}

type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Unit = 'ms' | 'ratio' | 'count' | 'rate';

interface Metric {
  unit: Unit;
  read(report: Report): number;
  help: string;
}

const ratio = (part: (r: Report) => number) => (r: Report) => (r.orders.total === 0 ? 0 : part(r) / r.orders.total);

/** Every metric a threshold may name. */
export const METRICS: Readonly<Record<string, Metric>> = {
  'orders.total': { unit: 'count', read: (r) => r.orders.total, help: 'orders placed' },
  'orders.confirmed': { unit: 'count', read: (r) => r.orders.confirmed, help: 'orders CONFIRMED' },
  'orders.cancelled': { unit: 'count', read: (r) => r.orders.cancelled, help: 'orders CANCELLED' },
  'orders.failed': { unit: 'count', read: (r) => r.orders.failed, help: 'orders FAILED' },
  'orders.pending': { unit: 'count', read: (r) => r.orders.pending, help: 'orders never finished' },
  'orders.confirmed.ratio': { unit: 'ratio', read: ratio((r) => r.orders.confirmed), help: 'share CONFIRMED' },
  'orders.cancelled.ratio': { unit: 'ratio', read: ratio((r) => r.orders.cancelled), help: 'share CANCELLED' },
  'orders.failed.ratio': { unit: 'ratio', read: ratio((r) => r.orders.failed), help: 'share FAILED' },
  'compensations.inventoryReleased': { unit: 'count', read: (r) => r.compensations.inventoryReleased, help: 'releases' },
  'compensations.paymentRefunded': { unit: 'count', read: (r) => r.compensations.paymentRefunded, help: 'refunds' },
  deadLetters: { unit: 'count', read: (r) => r.events.deadLetters, help: 'dead-lettered messages' },
  duplicates: { unit: 'count', read: (r) => r.events.duplicates, help: 'duplicate deliveries' },
  lostCreated: { unit: 'count', read: (r) => r.events.lostCreated, help: 'orders whose order.created.v1 never crossed NATS' },
  'load.lateSends': { unit: 'count', read: (r) => r.load.lateSends, help: 'sends more than 10 ms behind schedule' },
  'load.droppedSends': { unit: 'count', read: (r) => r.load.droppedSends, help: 'arrivals dropped at orders.maxInFlight' },
  'throughput.sagasPerSecond': { unit: 'rate', read: (r) => r.throughput.sagasPerSecond, help: 'finished sagas per second' },
  ...Object.fromEntries(
    (['p50', 'p90', 'p99', 'p999', 'p9999', 'max', 'mean'] as const).flatMap((p) => [
      [`latency.${p}`, { unit: 'ms', read: (r: Report) => r.latency.ms[p], help: `corrected saga latency ${p}` }],
      [`latency.uncorrected.${p}`, { unit: 'ms', read: (r: Report) => r.latency.uncorrectedMs[p], help: `uncorrected saga latency ${p}` }],
    ]),
  ),
};

const EXPRESSION = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(us|µs|ms|s|%)?\s*$/;
const TO_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };

/** A metric's value with its unit, as the summary, JUnit and Markdown print it. */
export function showValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(1)} ms`;
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'rate':
      return `${value.toFixed(1)} sagas/s`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
  }
}

/** Parses "metric op value[unit]"; throws an Error whose message names what is wrong and what is accepted. */
export function parseThreshold(expression: string): Threshold {
  const m = EXPRESSION.exec(expression);
  if (!m) throw new Error(`threshold "${expression}" is not "<metric> <op> <number>[unit]", e.g. "latency.p99 < 50ms"`);
  const [, metric = '', op = '<', number = '0', unit] = m;
  const known = METRICS[metric];
  if (!known) throw new Error(`threshold "${expression}": unknown metric "${metric}"; known: ${Object.keys(METRICS).join(', ')}`);
  let value = Number(number);
  if (known.unit === 'ms') {
    if (unit === '%') throw new Error(`threshold "${expression}": ${metric} is a duration; use us, ms or s`);
    value *= TO_MS[unit ?? 'ms'] ?? 1;
  } else if (known.unit === 'ratio') {
    if (unit && unit !== '%') throw new Error(`threshold "${expression}": ${metric} is a share; write 0.85 or 85%`);
    if (unit === '%') value /= 100;
  } else if (unit) {
    throw new Error(`threshold "${expression}": ${metric} takes a plain number, not "${unit}"`);
  }
  return { expression: expression.trim(), metric, op: op as Operator, value };
}

export function evaluateThresholds(thresholds: readonly Threshold[], report: Report): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = (METRICS[t.metric] as Metric).read(report);
    const unit = (METRICS[t.metric] as Metric).unit;
    return { expression: t.expression, metric: t.metric, actual: Math.round(actual * 10_000) / 10_000, shown: showValue(actual, unit), passed: compare(actual, t.op, t.value) };
  });
}

function compare(a: number, op: Operator, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return Math.abs(a - b) < 1e-9;
    case '!=':
      return Math.abs(a - b) >= 1e-9;
  }
}
