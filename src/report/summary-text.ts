import type { LatencySummary } from '../metrics/histogram.js';
import type { Report } from './report.js';

export interface Paint {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export const NO_PAINT: Paint = { ok: (t) => t, bad: (t) => t, dim: (t) => t, bold: (t) => t };

const pct = (part: number, total: number) => (total === 0 ? '0.0%' : `${((100 * part) / total).toFixed(1)}%`);

export function latencyLine(l: LatencySummary): string {
  const f = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)}ms`;
  return `p50 ${f(l.p50)}  p90 ${f(l.p90)}  p99 ${f(l.p99)}  p99.9 ${f(l.p999)}  max ${f(l.max)}`;
}

/** The final summary, as plain lines; colour only through `paint`. */
export function renderSummary(report: Report, paint: Paint = NO_PAINT, reportPath?: string): string {
  const o = report.orders;
  const r = o.cancelledByReason;
  const broker = report.broker.embedded ? `embedded nats-server ${report.broker.version}` : `nats-server ${report.broker.version}`;
  const lines = [
    paint.bold(`saga-sim: ${report.scenario.name}`) +
      paint.dim(`  seed ${report.seed} · ${report.topology} · ${report.delivery} · ${broker}${report.interrupted ? ' · interrupted' : ''}`),
    `orders       ${o.total} total · ${o.confirmed} confirmed (${pct(o.confirmed, o.total)}) · ${o.cancelled} cancelled · ${o.failed} failed · ${o.pending} pending`,
    `cancelled    ${r.payment_failed} payment failed · ${r.out_of_stock} out of stock · ${r.payment_and_stock} both`,
    `compensated  ${report.compensations.inventoryReleased} inventory released · ${report.compensations.paymentRefunded} payment refunded`,
    `latency      ${latencyLine(report.latency.ms)}  (from intended send)`,
    `             ${latencyLine(report.latency.uncorrectedMs)}  (uncorrected)`,
    `throughput   ${report.throughput.sagasPerSecond} sagas/s (offered ${report.throughput.offeredPerSecond}/s) · ${report.durationSeconds}s`,
    `dead letters ${report.events.deadLetters}`,
    'invariants',
    ...report.invariants.map((i) => `  ${i.passed ? paint.ok('pass') : paint.bad('FAIL')}  ${i.name}${i.passed ? '' : ` — ${i.details}`}`),
    `result       ${report.passed ? paint.ok('PASSED') : paint.bad('FAILED')}`,
  ];
  if (reportPath) lines.push(`report       ${reportPath}`);
  return lines.join('\n');
}
