import { EVENT_TYPES } from '../events/subjects.js';
import { encodeHistogram, mergeEncoded, summarize, type LatencySummary } from '../metrics/histogram.js';
import { mergeInvariants, type InvariantResult } from '../verify/invariants.js';
import { evaluateThresholds, type Threshold } from '../verify/thresholds.js';
import { verdict } from './build-report.js';
import type { GeneratorShare, InstanceWork, Report } from './report.js';

/** What the coordinator knows itself: its clock, the broker, the services, and the checks over the whole run. */
export interface CoordinatorView {
  scenario: Report['scenario'];
  seed: number;
  broker: Report['broker'];
  startedAt: string;
  durationSeconds: number;
  services: Report['services'];
  instances: InstanceWork[];
  generators: GeneratorShare[];
  /** Stock conservation over every generator's CONFIRMED orders, and whether every generator handed its part in. */
  wholeRun: InvariantResult[];
  timeline: Report['timeline'];
  thresholds: readonly Threshold[];
  interrupted: boolean;
}

const sum = (parts: readonly Report[], of: (r: Report) => number) => parts.reduce((n, r) => n + of(r), 0);
const max = (parts: readonly Report[], of: (r: Report) => number) => parts.reduce((n, r) => Math.max(n, of(r)), 0);

function merged(encoded: readonly (string | undefined)[]): { hdr: string; summary: LatencySummary } {
  const all = mergeEncoded(encoded);
  return { hdr: encodeHistogram(all), summary: summarize(all) };
}

/**
 * One report for a distributed run from its generators' reports: counts summed, latency from the
 * sum of their histograms (each measured on the clock of the machine that placed the order), and
 * the invariants' counts summed with the coordinator's checks over the whole run in place of the
 * parts' (stock is global). Events every generator saw alike (dead letters, invalid messages) are
 * counted once.
 */
export function mergeReports(parts: readonly Report[], view: CoordinatorView): Report {
  const [first] = parts;
  if (!first) throw new Error('no generator handed in a report');
  const hist = (of: (r: Report) => string | undefined) => merged(parts.map(of));
  const corrected = hist((r) => r.latency.hdr.corrected);
  const uncorrected = hist((r) => r.latency.hdr.uncorrected);
  const total = sum(parts, (r) => r.orders.total);
  const confirmed = sum(parts, (r) => r.orders.confirmed);
  const reasons = Object.fromEntries(Object.keys(first.orders.cancelledByReason).map((k) => [k, sum(parts, (r) => r.orders.cancelledByReason[k as keyof typeof first.orders.cancelledByReason])]));
  const wholeNames = new Set(view.wholeRun.map((r) => r.name));
  const invariants = [...mergeInvariants(parts.map((r) => r.invariants)).filter((r) => !wholeNames.has(r.name)), ...view.wholeRun];
  const report: Report = {
    ...first,
    scenario: view.scenario,
    seed: view.seed,
    broker: view.broker,
    startedAt: view.startedAt,
    durationSeconds: view.durationSeconds,
    interrupted: view.interrupted || parts.some((r) => r.interrupted),
    stoppedEarly: parts.some((r) => r.stoppedEarly),
    orders: {
      total,
      confirmed,
      cancelled: sum(parts, (r) => r.orders.cancelled),
      failed: sum(parts, (r) => r.orders.failed),
      pending: sum(parts, (r) => r.orders.pending),
      confirmedRatio: total === 0 ? 0 : Math.round((confirmed / total) * 10_000) / 10_000,
      cancelledByReason: reasons as Report['orders']['cancelledByReason'],
    },
    compensations: { inventoryReleased: sum(parts, (r) => r.compensations.inventoryReleased), paymentRefunded: sum(parts, (r) => r.compensations.paymentRefunded) },
    latency: {
      ms: corrected.summary,
      uncorrectedMs: uncorrected.summary,
      confirmedMs: hist((r) => r.part?.hdr.confirmed).summary,
      cancelledMs: hist((r) => r.part?.hdr.cancelled).summary,
      steps: { payment: hist((r) => r.part?.hdr.payment).summary, inventory: hist((r) => r.part?.hdr.inventory).summary, compensation: hist((r) => r.part?.hdr.compensation).summary },
      hdr: { corrected: corrected.hdr, uncorrected: uncorrected.hdr },
      warmupMs: first.latency.warmupMs,
      // Each part's trend is on its own clock: the run's is the part whose latency grew most.
      trend: parts.map((r) => r.latency.trend).reduce((worst, t) => (t && (!worst || t.lastHalfP50Ms / t.firstHalfP50Ms > worst.lastHalfP50Ms / worst.firstHalfP50Ms) ? t : worst), null),
    },
    // Threads and event loops are each process's own: they are in each generator's report, not summed here.
    process: { ...first.process, cpuSeconds: sum(parts, (r) => r.process.cpuSeconds), maxRssMb: max(parts, (r) => r.process.maxRssMb), loopBusy: {}, threads: null },
    load: {
      lateSends: sum(parts, (r) => r.load.lateSends),
      maxLagMs: max(parts, (r) => r.load.maxLagMs),
      droppedSends: sum(parts, (r) => r.load.droppedSends),
      maxInFlight: parts.every((r) => r.load.maxInFlight === null) ? null : sum(parts, (r) => r.load.maxInFlight ?? 0),
      pausedMs: max(parts, (r) => r.load.pausedMs),
    },
    throughput: { sagasPerSecond: sum(parts, (r) => r.throughput.sagasPerSecond), offeredPerSecond: sum(parts, (r) => r.throughput.offeredPerSecond) },
    events: {
      byType: Object.fromEntries(EVENT_TYPES.map((t) => [t, sum(parts, (r) => r.events.byType[t])])) as Report['events']['byType'],
      duplicates: sum(parts, (r) => r.events.duplicates),
      lostCreated: sum(parts, (r) => r.events.lostCreated),
      invalid: max(parts, (r) => r.events.invalid),
      // Each part counts the others' orders as foreign: what is left is no part's.
      foreign: Math.max(0, Math.min(...parts.map((r) => r.events.foreign - (sum(parts, (o) => eventsOf(o)) - eventsOf(r))))),
      deadLetters: max(parts, (r) => r.events.deadLetters),
      exhausted: max(parts, (r) => r.events.exhausted),
    },
    services: view.services,
    settlement: { graceMs: first.settlement.graceMs, settled: sum(parts, (r) => r.settlement.settled) },
    timeline: view.timeline,
    invariants,
    expectations: parts.flatMap((r) => r.expectations),
    thresholds: [],
    generators: view.generators,
    incomplete: view.generators.some((g) => !g.reported),
    instances: view.instances,
    passed: false,
  };
  delete report.part;
  report.thresholds = evaluateThresholds(view.thresholds, report);
  report.passed = verdict(report) && !report.incomplete;
  return report;
}

function eventsOf(r: Report): number {
  return Object.values(r.events.byType).reduce((n, c) => n + c, 0);
}
