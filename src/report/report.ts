import type { StateStoreKind } from '../services/state/record-store.js';
import { writeFile } from 'node:fs/promises';
import type { BrokerUsage } from '../broker/server-usage.js';
import type { BrokerInfo } from '../engine/events.js';
import type { TimelinePoint } from '../engine/timeline.js';
import type { CancelReason } from '../events/schema.js';
import { EVENT_TYPES, type EventType } from '../events/subjects.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { LatencyTrend } from '../metrics/latency-trend.js';
import type { ThreadCores } from '../metrics/loop-busy.js';
import type { WorkerStats } from '../services/protocol.js';
import type { Distribution } from '../load/distribution.js';
import type { ServiceName } from '../services/service.js';
import type { HeapProfile } from '../services/heap.js';
import type { ExpectationResult } from '../verify/expectations.js';
import type { InvariantResult } from '../verify/invariants.js';
import type { ThresholdResult } from '../verify/thresholds.js';
import type { EntryStats } from '../target/entry-tally.js';
import type { PartHistograms } from '../engine/outcomes.js';

/** Bumped on any incompatible change to the report's keys. */
export const REPORT_SCHEMA_VERSION = 1;

/** The run report: written by --report, returned by runScenario(), rendered by the summary. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  scenario: { name: string; file: string };
  seed: number;
  topology: 'parallel' | 'sequential';
  delivery: 'jetstream' | 'core';
  /** Where the services kept their records: kv (durable) or memory. */
  state: StateStoreKind;
  /** PostgreSQL state: the server (no password), the outbox, and the schemas (kept: still there to query). */
  database?: { url: string; outbox: boolean; schemas: string[]; kept: boolean };
  /** `usage`: what nats-server did over the load and drain; null on a server this process did not start. */
  broker: BrokerInfo & { usage: BrokerUsage | null };
  startedAt: string;
  durationSeconds: number;
  /** Stopped by Ctrl-C (the CLI then exits 130). */
  interrupted: boolean;
  /** The load stopped before every planned order was placed (q, or Ctrl-C). */
  stoppedEarly: boolean;
  orders: {
    total: number;
    confirmed: number;
    cancelled: number;
    failed: number;
    pending: number;
    confirmedRatio: number;
    cancelledByReason: Record<CancelReason, number>;
  };
  compensations: { inventoryReleased: number; paymentRefunded: number };
  latency: {
    /** From each order's intended send time to its terminal event (coordinated-omission corrected). */
    ms: LatencySummary;
    /** From when the order actually entered the saga (order.created.v1 published): hides waits to get in. */
    uncorrectedMs: LatencySummary;
    /** Corrected latency of the sagas that ended CONFIRMED, and of those that ended CANCELLED. */
    confirmedMs: LatencySummary;
    cancelledMs: LatencySummary;
    /** order.created.v1 → payment decision, → inventory decision; last decision → compensation event. */
    steps: { payment: LatencySummary; inventory: LatencySummary; compensation: LatencySummary };
    /** The corrected and uncorrected histograms, HdrHistogram's compressed base64 encoding (values in µs). */
    hdr: { corrected: string; uncorrected: string };
    /** Orders intended in this first stretch were left out of the latency figures (bench --warmup). */
    warmupMs: number;
    /**
     * Median corrected latency of the sagas intended in the first and in the last half of the load.
     * `growing`: it climbed (over 1.5 times, and by over 25 ms), so a queue built up: the offered rate
     * was not sustained. Null when every saga was intended within 250 ms.
     */
    trend: LatencyTrend | null;
  };
  /** The saga-sim process (main thread and the three service workers; nats-server not included). */
  /** `heap`: the V8 heap profile of the run (--heap). */
  /**
   * saga-sim itself. `loopBusy`: each thread's share of wall time its event loop was busy over the load
   * and drain (main, order, payment, inventory), 0..1; the busiest is the first to run out.
   * `threads`: over the same span, each thread's cores on a core (`cores`), ready but waiting for one
   * (`waitingCores`), and the times it was put on a core (`runs`, about its wake-ups), from Linux's schedstat; `other` is the rest of the process (GC helpers, libuv,
   * the send timer). Null where the kernel does not tell. `availableCores`: the cores this process may
   * use (os.availableParallelism()), which saga-sim and a local nats-server share.
   */
  process: {
    cpuSeconds: number;
    availableCores: number;
    maxRssMb: number;
    heap: HeapProfile;
    loopBusy: Record<string, number>;
    threads: Record<string, ThreadCores> | null;
  };
  /** Faults injected, with when they took effect (ms from the run's start). */
  faults: (
    | { kind: 'stall'; service: string; atMs: number; forMs: number; appliedAtMs: number }
    | { kind: 'duplicate'; share: number }
    /** On a cluster: which node of how many was killed. */
    | { kind: 'broker-kill'; atMs: number; downMs: number; appliedAtMs: number; node?: number; nodes?: number }
    | { kind: 'crash'; service: string; atMs: number; downMs: number; appliedAtMs: number }
    /** appliedAtMs: when the service died, right after the commit the fault waited for. */
    | { kind: 'crash-after-commit'; service: string; atMs: number; downMs: number; appliedAtMs: number }
    | { kind: 'drop'; share: number; service: string }
    | { kind: 'latency'; service: string; distribution: Distribution }
    | { kind: 'slow'; service: string; atMs: number; forMs: number; appliedAtMs: number }
  )[];
  /**
   * The load generator: sends more than 10 ms behind schedule, and the worst lag; arrivals dropped
   * because `maxInFlight` sagas were in flight (null: no cap, and nothing is ever dropped).
   */
  /** pausedMs: time the load was paused (p in the dashboard), left out of the throughput. */
  load: { lateSends: number; maxLagMs: number; droppedSends: number; maxInFlight: number | null; pausedMs: number };
  throughput: { sagasPerSecond: number; offeredPerSecond: number };
  events: {
    /** Messages per subject on the event stream about this run's orders, duplicates included (foreign ones apart). */
    byType: Record<EventType, number>;
    /** Deliveries repeating an event already seen (same eventId). */
    duplicates: number;
    /** Placed orders whose order.created.v1 never crossed NATS (lost in transit: core delivery under faults). */
    lostCreated: number;
    /** Messages on saga subjects that were not valid events. */
    invalid: number;
    /** Valid events about orders this run did not place: counted apart, in no other count or invariant. */
    foreign: number;
    /** Messages services republished to the dead-letter subjects. */
    deadLetters: number;
    /** Of those, messages a consumer gave up on after max_deliver deliveries (from the server's advisory). */
    exhausted: number;
  };
  /** saga-sim's own services' counters (zeros against a --target, whose services are not saga-sim's). */
  services: Record<ServiceName, WorkerStats>;
  /** A run against a system saga-sim did not start (--target): how its API answered, and what was checked over it. */
  target?: TargetReport;
  /**
   * Sagas judged and dropped from memory while the run went on, `graceMs` after they settled on NATS
   * (ended, and compensated where needed), so memory stays flat however long the run.
   */
  settlement: { graceMs: number; settled: number };
  /** Throughput and in-flight over time, a point a second (ms since the load began). */
  timeline: TimelinePoint[];
  invariants: InvariantResult[];
  /** One per scripted expectation (status, event sequence, each forbidden event). */
  expectations: ExpectationResult[];
  thresholds: ThresholdResult[];
  /** One generator's part of a distributed run (--role generator): which, and what its CONFIRMED orders hold of each product. */
  part?: GeneratorPartReport;
  /** A distributed run's generators (--role coordinator), each with its share; `incomplete`: one never handed its report in. */
  generators?: GeneratorShare[];
  incomplete?: boolean;
  /** Services run as processes of their own (--services external): the work each instance did. */
  instances?: InstanceWork[];
  /** True when no order is pending and every invariant, expectation and threshold passed. */
  passed: boolean;
}

export interface GeneratorPartReport {
  runId: string;
  id: string;
  index: number;
  count: number;
  confirmedQuantities: Record<string, number>;
  /** The latency histograms the report gives as ladders only, for the coordinator to merge. */
  hdr: PartHistograms;
}

export interface GeneratorShare {
  id: string;
  index: number;
  host: string;
  pid: number;
  /** Orders it placed, and how its sagas ended (from its report, else its last progress). */
  sent: number;
  confirmed: number;
  cancelled: number;
  failed: number;
  /** Its sagas per second, on its own clock; its share of the run's sagas, 0..1. */
  sagasPerSecond: number;
  share: number;
  /** Its report came in; false: it vanished, and only its last progress is known. */
  reported: boolean;
  passed: boolean;
}

export interface InstanceWork {
  service: ServiceName;
  id: string;
  host: string;
  pid: number;
  handled: number;
  published: number;
  redelivered: number;
  stateWrites: number;
  /** It stopped answering during the run. */
  gone: boolean;
}

export interface TargetReport {
  url: string;
  /** Orders POSTed, accepted (an order id came back), and failed by kind; `orders.total` counts the accepted. */
  entry: EntryStats;
  /** The API's final status against the terminal event (target.check). */
  check: { checked: number; mismatched: number } | null;
  /** The share of payments confirmed against the rate the target is configured with (target.successRate), 95% Wilson interval. */
  successRate: { expected: number; observed: number; ci: [number, number]; within: boolean } | null;
}

export function eventCounts(count: (type: EventType) => number): Record<EventType, number> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, count(t)])) as Record<EventType, number>;
}

export async function writeJsonReport(file: string, report: Report): Promise<void> {
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
