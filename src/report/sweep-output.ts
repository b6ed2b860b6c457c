import { writeFile } from 'node:fs/promises';
import type { SweepPoint } from '../experiment/sweep.js';
import type { Paint } from './summary-text.js';
import { NO_PAINT } from './summary-text.js';

const f3 = (n: number) => n.toFixed(3);

/** One row per point. */
export function renderSweepTable(points: readonly SweepPoint[], paint: Paint = NO_PAINT): string {
  const header = ['value', 'orders', 'confirmed', 'share', '95% CI', 'expected', '', 'pay/stock/both', 'released', 'refunded', 'conf p50/p99 ms', 'canc p50/p99 ms', 'sagas/s', 'invariants'];
  const rows = points.map((p) => [
    String(p.value),
    String(p.orders),
    String(p.confirmed),
    f3(p.share.confirmed),
    `[${f3(p.ci[0])}, ${f3(p.ci[1])}]`,
    p.expected === null ? '—' : f3(p.expected),
    p.flagged ? '!' : '',
    `${p.cancelledByReason.payment_failed}/${p.cancelledByReason.out_of_stock}/${p.cancelledByReason.payment_and_stock}`,
    String(p.compensations.inventoryReleased),
    String(p.compensations.paymentRefunded),
    `${p.latencyMs.confirmed.p50}/${p.latencyMs.confirmed.p99}`,
    `${p.latencyMs.cancelled.p50}/${p.latencyMs.cancelled.p99}`,
    String(p.sagasPerSecond),
    p.invariantsPassed ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [
    paint.bold(line(header)),
    ...rows.map((r, i) => {
      const text = line(r);
      const p = points[i] as SweepPoint;
      return !p.invariantsPassed || p.flagged ? paint.bad(text) : text;
    }),
  ].join('\n');
}

/**
 * The observed confirmed share against the parameter: ● observed, ├─┤ its 95% interval,
 * ◆ the model's expectation (where computable). The x axis is the share, 0 to 1.
 */
export function renderSweepChart(points: readonly SweepPoint[], width = 50): string {
  const at = (share: number) => Math.round(Math.min(1, Math.max(0, share)) * (width - 1));
  const label = Math.max(5, ...points.map((p) => String(p.value).length));
  const lines = points.map((p) => {
    const cells = new Array<string>(width).fill(' ');
    const [lo, hi] = [at(p.ci[0]), at(p.ci[1])];
    for (let i = lo; i <= hi; i++) cells[i] = '─';
    cells[lo] = '├';
    cells[hi] = '┤';
    if (p.expected !== null) cells[at(p.expected)] = '◆';
    cells[at(p.share.confirmed)] = '●';
    return `${String(p.value).padStart(label)} │${cells.join('')}│ ${f3(p.share.confirmed)}${p.flagged ? '  ! outside' : ''}`;
  });
  const axis = `${' '.repeat(label)} └${'─'.repeat(width)}┘`;
  const ticks = `${' '.repeat(label + 2)}0${' '.repeat(Math.floor(width / 2) - 4)}0.5${' '.repeat(width - Math.floor(width / 2) - 3)}1`;
  return [`confirmed share by ${points[0]?.param ?? 'value'} (● observed, ├─┤ 95% CI, ◆ expected)`, ...lines, axis, ticks].join('\n');
}

const CSV_COLUMNS: [string, (p: SweepPoint) => string | number][] = [
  ['param', (p) => p.param],
  ['value', (p) => p.value],
  ['orders', (p) => p.orders],
  ['confirmed', (p) => p.confirmed],
  ['cancelled', (p) => p.cancelled],
  ['failed', (p) => p.failed],
  ['pending', (p) => p.pending],
  ['confirmed_share', (p) => p.share.confirmed],
  ['ci_low', (p) => p.ci[0]],
  ['ci_high', (p) => p.ci[1]],
  ['expected', (p) => p.expected ?? ''],
  ['flagged', (p) => String(p.flagged)],
  ['cancelled_payment_failed', (p) => p.cancelledByReason.payment_failed],
  ['cancelled_out_of_stock', (p) => p.cancelledByReason.out_of_stock],
  ['cancelled_both', (p) => p.cancelledByReason.payment_and_stock],
  ['inventory_released', (p) => p.compensations.inventoryReleased],
  ['payment_refunded', (p) => p.compensations.paymentRefunded],
  ['confirmed_p50_ms', (p) => p.latencyMs.confirmed.p50],
  ['confirmed_p99_ms', (p) => p.latencyMs.confirmed.p99],
  ['cancelled_p50_ms', (p) => p.latencyMs.cancelled.p50],
  ['cancelled_p99_ms', (p) => p.latencyMs.cancelled.p99],
  ['sagas_per_second', (p) => p.sagasPerSecond],
  ['invariants_passed', (p) => String(p.invariantsPassed)],
];

export function renderSweepCsv(points: readonly SweepPoint[]): string {
  const rows = points.map((p) => CSV_COLUMNS.map(([, get]) => String(get(p))).join(','));
  return `${[CSV_COLUMNS.map(([name]) => name).join(','), ...rows].join('\n')}\n`;
}

export async function writeSweepFiles(points: readonly SweepPoint[], files: { csv?: string; json?: string }): Promise<void> {
  if (files.csv) await writeFile(files.csv, renderSweepCsv(points));
  if (files.json) await writeFile(files.json, `${JSON.stringify({ schemaVersion: 1, points }, null, 2)}\n`);
}
