import { IN_FLIGHT_GUARD } from '../load/plan.js';
import { distributionText } from '../load/distribution.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { Report } from './report.js';
import { trendText } from './trend-text.js';

export interface Paint {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export const NO_PAINT: Paint = { ok: (t) => t, bad: (t) => t, dim: (t) => t, bold: (t) => t };

const pct = (part: number, total: number) => (total === 0 ? '0.0%' : `${((100 * part) / total).toFixed(1)}%`);

const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)}ms`;

export function latencyLine(l: LatencySummary): string {
  return `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}`;
}

function faultText(fault: Report['faults'][number]): string {
  switch (fault.kind) {
    case 'duplicate':
      return `duplicate ${fault.share * 100}% of events`;
    case 'broker-kill':
      return `${fault.nodes ? `node ${fault.node} of ${fault.nodes}` : 'nats-server'} killed at ${fault.appliedAtMs} ms, down ${fault.downMs} ms`;
    case 'stall':
      return `${fault.service} stalled ${fault.forMs} ms at ${fault.appliedAtMs} ms`;
    case 'crash':
      return `${fault.service} crashed at ${fault.appliedAtMs} ms, down ${fault.downMs} ms`;
    case 'crash-after-commit':
      return `${fault.service} died after a commit, before publishing, at ${fault.appliedAtMs} ms, down ${fault.downMs} ms`;
    case 'drop':
      return `drop ${fault.share * 100}% of deliveries (${fault.service})`;
    case 'latency':
      return `${fault.service} latency ${distributionText(fault.distribution)}`;
    case 'slow':
      return `${fault.service} consumer stalled ${fault.forMs} ms at ${fault.appliedAtMs} ms`;
  }
}

const mark = (passed: boolean, paint: Paint) => (passed ? paint.ok('pass') : paint.bad('FAIL'));

function thresholdLines(report: Report, paint: Paint): string[] {
  if (report.thresholds.length === 0) return [];
  return ['thresholds', ...report.thresholds.map((t) => `  ${mark(t.passed, paint)}  ${t.expression}  (actual ${t.shown})`)];
}

/** Passing expectations are counted; each failing one is shown with its event diff. */
function expectationLines(report: Report, paint: Paint): string[] {
  const all = report.expectations;
  if (all.length === 0) return [];
  const failed = all.filter((e) => !e.passed);
  const lines = [`expectations ${all.length - failed.length} of ${all.length} passed`];
  for (const e of failed) {
    lines.push(`  ${mark(false, paint)}  ${e.orderId} ${e.name}: ${e.details}`);
    for (const line of e.diff ?? []) {
      const text = `          ${line}`;
      lines.push(line.startsWith('-') ? paint.bad(text) : line.startsWith('+') ? paint.ok(text) : paint.dim(text));
    }
  }
  if (failed.some((e) => e.diff)) lines.push(paint.dim('          (- expected but not observed, + observed but not expected)'));
  return lines;
}

function databaseLine(d: NonNullable<Report['database']>): string {
  const schemas = d.kept ? `schemas ${d.schemas.join(', ')} kept (psql: SELECT * FROM ${d.schemas[0]}.orders)` : 'its schemas dropped at the end (--keep leaves them to query)';
  return `database     ${d.url} · outbox ${d.outbox ? 'on' : 'off'} · ${schemas}`;
}

/** The final summary, as plain lines; colour only through `paint`. */
export function renderSummary(report: Report, paint: Paint = NO_PAINT, reportPath?: string): string {
  const o = report.orders;
  const r = o.cancelledByReason;
  const b = report.broker;
  // On a shared server, the namespace says which streams (and `saga-sim trace --namespace`) were this run's.
  const copies = b.replicas > 1 ? ` · R${b.replicas}` : '';
  const broker = b.embedded ? `embedded ${b.nodes > 1 ? `${b.nodes}-node cluster, ` : ''}nats-server ${b.version}${copies}` : `nats-server ${b.version}${copies}${b.namespace ? ` · namespace ${b.namespace}` : ''}${b.subjectPrefix ? ` · subjects ${b.subjectPrefix}…` : ''}`;
  const lines = [
    paint.bold(`saga-sim: ${report.scenario.name}`) +
      paint.dim(`  seed ${report.seed} · ${report.target ? `target ${report.target.url}` : `${report.topology} · ${report.delivery} · ${report.state} state`} · ${broker}${report.interrupted ? ' · interrupted' : report.stoppedEarly ? ' · stopped early' : ''}`),
    `orders       ${o.total} total · ${o.confirmed} confirmed (${pct(o.confirmed, o.total)}) · ${o.cancelled} cancelled · ${o.failed} failed · ${o.pending} pending`,
    `cancelled    ${r.payment_failed} payment failed · ${r.out_of_stock} out of stock · ${r.payment_and_stock} both`,
    `compensated  ${report.compensations.inventoryReleased} inventory released · ${report.compensations.paymentRefunded} payment refunded`,
    `latency      ${latencyLine(report.latency.ms)}  (from intended send)`,
    `             ${latencyLine(report.latency.uncorrectedMs)}  (uncorrected)`,
    `throughput   ${report.throughput.sagasPerSecond} sagas/s (offered ${report.throughput.offeredPerSecond}/s) · ${report.durationSeconds}s${report.load.pausedMs > 0 ? ` (paused ${(report.load.pausedMs / 1000).toFixed(1)}s, not counted)` : ''}`,
    // Only when it climbs: a level trend says nothing a run's reader needs (bench's table always shows it).
    ...(report.latency.trend?.growing ? [`             latency ${trendText(report.latency.trend)}`] : []),
    `dead letters ${report.events.deadLetters}${report.events.exhausted > 0 ? ` (${report.events.exhausted} after max_deliver)` : ''}${report.events.lostCreated > 0 ? ` · lost in transit ${report.events.lostCreated} orders` : ''}${report.events.foreign > 0 ? ` · ${report.events.foreign} foreign events (${report.part ? "the other generators' orders among them" : "not this run's orders"}, not counted)` : ''} · late sends ${report.load.lateSends}${report.load.droppedSends > 0 ? ` · dropped ${report.load.droppedSends}${report.load.maxInFlight === null ? ` (past the in-flight guard of ${IN_FLIGHT_GUARD.toLocaleString('en-US')} sagas; set orders.maxInFlight)` : ''}` : ''} · cpu ${report.process.cpuSeconds}s · max rss ${report.process.maxRssMb} MB${report.process.heap === 'lean' ? ' (lean heap)' : ''}`,
    ...(report.faults.length > 0 ? [`faults       ${report.faults.map(faultText).join(' · ')}`] : []),
    ...(report.database ? [databaseLine(report.database)] : []),
    ...(report.target ? targetLines(report.target) : []),
    ...partLines(report),
    'invariants',
    ...report.invariants.map((i) => `  ${mark(i.passed, paint)}  ${i.name}${i.passed ? '' : ` — ${i.details}`}`),
    ...thresholdLines(report, paint),
    ...expectationLines(report, paint),
    `result       ${report.passed ? paint.ok('PASSED') : paint.bad('FAILED')}`,
  ];
  if (reportPath) lines.push(`report       ${reportPath}`);
  return lines.join('\n');
}

/** A distributed run's generators and their shares; services run as processes of their own, each instance's work. */
function partLines(report: Report): string[] {
  const lines: string[] = [];
  const generators = report.generators ?? [];
  generators.forEach((g, i) => {
    const what = g.reported ? `${g.sent} sagas · ${g.sagasPerSecond} sagas/s · ${(g.share * 100).toFixed(1)}% of the run` : `VANISHED after ${g.sent} orders (its last progress; its sagas are not judged)`;
    lines.push(`${i === 0 ? 'generators  ' : '            '} ${g.index + 1}: ${g.id} (pid ${g.pid} on ${g.host}) · ${what}`);
  });
  if (report.part) lines.push(`part         generator ${report.part.index + 1} of ${report.part.count} (${report.part.id}) of run ${report.part.runId}`);
  const instances = report.instances ?? [];
  if (instances.some((x, i) => instances.findIndex((y) => y.service === x.service) !== i)) {
    instances.forEach((x, i) => lines.push(`${i === 0 ? 'instances   ' : '            '} ${x.service} ${x.id} (pid ${x.pid} on ${x.host}) · ${x.handled} handled · ${x.published} published${x.gone ? ' · stopped answering' : ''}`));
  }
  return lines;
}

/** A --target run: how its API answered, and the checks beyond the invariants. */
function targetLines(t: NonNullable<Report['target']>): string[] {
  const e = t.entry;
  const failed = Object.entries(e.errors).filter(([, n]) => n > 0);
  const lines = [`target       ${e.requests} ${t.url.startsWith('nats:') ? `requests on ${t.url.slice(5)}` : 'POSTs'} · ${e.accepted} accepted · ${e.requests - e.accepted} failed · response p50 ${ms(e.responseMs.p50)}  p99 ${ms(e.responseMs.p99)}  max ${ms(e.responseMs.max)}`];
  if (failed.length > 0) lines.push(`             failed: ${failed.map(([kind, n]) => `${n} ${kind}`).join(' · ')} (first: ${Object.values(e.firstErrors)[0] ?? ''})`);
  if (t.successRate) {
    const { expected, observed, ci, within } = t.successRate;
    lines.push(`             payments confirmed ${(observed * 100).toFixed(1)}% (95% CI ${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%) against the configured ${expected}: ${within ? 'within' : 'outside'}`);
  }
  if (t.check) lines.push(`             API status of ${t.check.checked} orders against NATS: ${t.check.mismatched} mismatched`);
  return lines;
}
