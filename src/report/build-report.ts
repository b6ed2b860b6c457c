import { availableParallelism } from 'node:os';
import type { BrokerUsage } from '../broker/server-usage.js';
import type { BrokerInfo } from '../engine/events.js';
import type { StreamObserver } from '../engine/observer.js';
import type { OutcomeTracker } from '../engine/outcomes.js';
import { encodeHistogram } from '../metrics/histogram.js';
import type { ThreadCores } from '../metrics/loop-busy.js';
import type { Scenario } from '../scenario/schema.js';
import { scriptedOrderId } from '../scenario/schema.js';
import { checkExpectations, type OrderExpectation } from '../verify/expectations.js';
import type { InvariantResult } from '../verify/invariants.js';
import { evaluateThresholds, type Threshold } from '../verify/thresholds.js';
import { eventCounts, REPORT_SCHEMA_VERSION, type Report } from './report.js';
import type { HeapProfile } from '../services/heap.js';
import { sagasPerSecond } from './throughput.js';
import type { TimelinePoint } from '../engine/timeline.js';

export interface ReportParts {
  scenario: Scenario;
  broker: BrokerInfo;
  brokerUsage: BrokerUsage | null;
  /** Epoch ms: run start, first intended send, end. */
  startedAt: number;
  loadStart: number;
  endedAt: number;
  interrupted: boolean;
  stoppedEarly: boolean;
  /** Orders placed. */
  sent: number;
  /** Judged as the run went (Settlement). */
  invariants: InvariantResult[];
  /** Orders whose order.created.v1 never crossed NATS. */
  lostCreated: number;
  settlement: Report['settlement'];
  outcomes: OutcomeTracker;
  observer: StreamObserver;
  /** Each order's final status as its order service keeps it (for the scripted expectations). */
  orderStatus: ReadonlyMap<string, string>;
  services: Report['services'];
  /** Against a --target: its part of the report, and its invariants instead of the services' (in `invariants`). */
  target?: Report['target'];
  thresholds: readonly Threshold[];
  load: { late: number; maxLagMs: number; dropped: number; pausedMs: number };
  faults: Report['faults'];
  database?: Report['database'];
  /** process.cpuUsage() when the run started. */
  cpuAtStart: NodeJS.CpuUsage;
  /** Each thread's event-loop busy share over the load and drain. */
  loopBusy: Record<string, number>;
  /** Each thread's cores over the load and drain, and its wait for a core (null without schedstat). */
  threads: Record<string, ThreadCores> | null;
  heap: HeapProfile;
  warmupMs: number;
  /** Throughput and in-flight over time (one point a second). */
  timeline?: TimelinePoint[];
}

/** Assembles the report, then judges it: invariants, scripted expectations and thresholds. */
export function buildReport(p: ReportParts): Report {
  const { outcomes, observer, scenario } = p;
  const book = observer.book;
  const ladders = outcomes.ladders();
  const { sent, invariants } = p;
  const finished = outcomes.finished.size;
  const throughput = sagasPerSecond({ loadStart: p.loadStart, finished, lastTerminalAt: outcomes.lastTerminalAt, warmupMs: p.warmupMs, measured: outcomes.measured, pausedMs: p.load.pausedMs });
  const statuses = p.orderStatus;

  const expectations = checkExpectations(
    scenario.script.flatMap((entry, i): OrderExpectation[] => (entry.expect ? [{ orderId: entry.id ?? scriptedOrderId(i), ...entry.expect }] : [])),
    (orderId) => ({ status: statuses.get(orderId) ?? 'never created', events: book.sequences.get(orderId) ?? [] }),
  );
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: { name: scenario.name, file: scenario.file },
    seed: scenario.seed,
    topology: scenario.topology,
    delivery: scenario.delivery,
    state: scenario.state,
    ...(p.database ? { database: p.database } : {}),
    broker: { ...p.broker, usage: p.brokerUsage },
    startedAt: new Date(p.startedAt).toISOString(),
    durationSeconds: round((p.endedAt - p.startedAt) / 1000, 3),
    interrupted: p.interrupted,
    stoppedEarly: p.stoppedEarly,
    orders: {
      total: sent,
      ...outcomes.counts,
      pending: sent - finished,
      confirmedRatio: sent === 0 ? 0 : round(outcomes.counts.confirmed / sent, 4),
      cancelledByReason: { ...outcomes.reasons },
    },
    compensations: { ...outcomes.compensations },
    latency: {
      ms: ladders.corrected,
      uncorrectedMs: ladders.uncorrected,
      confirmedMs: ladders.confirmed,
      cancelledMs: ladders.cancelled,
      steps: ladders.steps,
      hdr: { corrected: encodeHistogram(outcomes.corrected), uncorrected: encodeHistogram(outcomes.uncorrected) },
      warmupMs: p.warmupMs,
      trend: outcomes.trend(),
    },
    load: {
      lateSends: p.load.late,
      maxLagMs: Math.round(p.load.maxLagMs * 1000) / 1000,
      droppedSends: p.load.dropped,
      pausedMs: Math.round(p.load.pausedMs),
      maxInFlight: scenario.orders.maxInFlight ?? null,
    },
    faults: p.faults,
    process: {
      cpuSeconds: round((({ user, system }) => (user + system) / 1e6)(process.cpuUsage(p.cpuAtStart)), 2),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      availableCores: availableParallelism(),
      loopBusy: p.loopBusy,
      threads: p.threads,
      heap: p.heap,
    },
    throughput: { sagasPerSecond: round(throughput, 1), offeredPerSecond: scenario.orders.rate },
    events: {
      byType: eventCounts((t) => book.count(t)),
      duplicates: book.duplicates,
      lostCreated: p.lostCreated,
      invalid: observer.invalid,
      foreign: observer.foreign,
      deadLetters: observer.deadLetters,
      exhausted: observer.exhausted,
    },
    services: p.services,
    ...(p.target ? { target: p.target } : {}),
    settlement: p.settlement,
    timeline: p.timeline ?? [],
    invariants,
    expectations,
    thresholds: [],
    passed: false,
  };
  report.thresholds = evaluateThresholds(p.thresholds, report);
  report.passed = verdict(report);
  return report;
}

/** No order pending, and every invariant, expectation and threshold passed. */
export function verdict(r: Pick<Report, 'orders' | 'invariants' | 'expectations' | 'thresholds'>): boolean {
  return r.orders.pending === 0 && [...r.invariants, ...r.expectations, ...r.thresholds].every((x) => x.passed);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
