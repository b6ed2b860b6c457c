import type { EmbeddedServer } from '../broker/embedded-server.js';
import type { Namespace } from '../broker/names.js';
import type { MonitoredServer } from '../broker/server-usage.js';
import type { Scenario } from '../scenario/schema.js';
import type { HeapProfile } from '../services/heap.js';
import type { Threshold } from '../verify/thresholds.js';
import type { CoordinatorOptions } from './distributed/coordinator-run.js';

export interface RunOptions {
  scenario: Scenario;
  /** Use this server instead of spawning one. */
  natsUrl?: string;
  /**
   * A server the caller started (startEmbeddedServer) and keeps after the run, e.g. to inspect
   * its streams. Unlike --nats-url, broker faults may kill and restart it. Implies keep.
   */
  server?: EmbeddedServer;
  /**
   * The server behind natsUrl, when the caller started it (bench's own server): its CPU, memory and
   * messages per saga are then reported, as they are for a server the run starts itself.
   */
  monitored?: MonitoredServer;
  /** Start a local cluster of this many nats-servers instead of one (--embedded-cluster). */
  cluster?: number;
  /** PostgreSQL for `state: postgres` (--database-url, DATABASE_URL); may hold `{service}`. Default DEFAULT_DATABASE_URL. */
  databaseUrl?: string;
  /** Leave the streams on the server after the run. Default false on --nats-url, true on a `server` the caller keeps. */
  keep?: boolean;
  /** false: every payment succeeds (USE_SIMULATED_PAYMENT=false). Default true. */
  simulatedPayment?: boolean;
  /** Thresholds in addition to the scenario's (from --threshold). */
  thresholds?: readonly Threshold[];
  /** Orders intended in this first stretch of the load count for outcomes, not for latency. Default 0. */
  warmupMs?: number;
  /** How long after a saga settled on NATS it is judged and dropped from memory. Default SETTLE_GRACE_MS. */
  settleGraceMs?: number;
  /** V8 heap sizing: fast (the default) or lean (about half the RSS, for some CPU). See services/heap.ts. */
  heap?: HeapProfile;
  /** Interval of snapshot events. Default 100 ms. */
  snapshotIntervalMs?: number;
  /**
   * workers (the default): the three services run as worker threads of this process. external:
   * none are started; the run drives `saga-sim service` processes it finds on the --nats-url server.
   */
  services?: 'workers' | 'external';
  /**
   * Names on the server (broker/names.ts). Default: a fresh run id and the design's subjects; with
   * external services, the design's namespace (theirs by default).
   */
  namespace?: Partial<Namespace>;
  /**
   * One generator of a distributed run (--role generator --run-id): it waits for the run's
   * coordinator to give it its part, fires that share of the scenario, and hands its report in.
   */
  generator?: { runId: string; joinTimeoutMs?: number };
  /** A distributed run's coordinator (--role coordinator): it places no orders, and merges its generators' parts. */
  coordinator?: CoordinatorOptions;
  /** Base URL of a saga system to load and check instead of starting services (--target, or the scenario's target.url). */
  target?: string;
  /** Aborting stops everything at once; the run then rejects with InterruptedError. */
  signal?: AbortSignal;
}
