import type { CancelReason } from '../events/schema.js';
import type { Report } from '../report/report.js';
import type { ServiceName } from '../services/service.js';
import type { ServiceStatus } from '../services/handle.js';
import type { LatencyLadders, RecentEvent } from './outcomes.js';

export type Phase = 'starting-broker' | 'provisioning' | 'starting-services' | 'loading' | 'draining' | 'verifying' | 'done';

export type ConnectionState = 'connected' | 'reconnecting' | 'disconnected' | 'closed';

/** A point-in-time view of a run, published at a fixed interval. Every display renders only these. */
export interface RunSnapshot {
  phase: Phase;
  elapsedMs: number;
  planned: number;
  sent: number;
  targetRate: number;
  /** Orders sent per second over the last interval. */
  sendRate: number;
  /** Sagas finished per second over the last interval. */
  currentRate: number;
  paused: boolean;
  /** Sends more than 10 ms behind schedule, and the worst lag (ms). */
  lateSends: number;
  maxLagMs: number;
  /** Arrivals dropped because orders.maxInFlight sagas were in flight. */
  droppedSends: number;
  inFlight: number;
  confirmed: number;
  cancelled: number;
  failed: number;
  cancelledByReason: Record<CancelReason, number>;
  compensations: { inventoryReleased: number; paymentRefunded: number };
  deadLetters: number;
  duplicates: number;
  latency: LatencyLadders;
  /** Events seen since the previous snapshot (at most the last 64). */
  recent: RecentEvent[];
  /** restarts: workers started again after a crash fault. */
  services: { name: ServiceName; status: ServiceStatus; handled: number; deadLetters: number; restarts: number }[];
  connection: ConnectionState;
}

export interface BrokerInfo {
  url: string;
  monitorUrl?: string;
  /** Temporary JetStream store of an embedded server; deleted when the run ends. */
  storeDir?: string;
  embedded: boolean;
  version: string;
  /** The run's names on the server: its streams are SAGA_SIM_EVENTS_<namespace> ('' the design's). */
  namespace: string;
  /** Put before every event subject ('' the design's subjects). */
  subjectPrefix: string;
  /** Servers in the embedded cluster (1: one server, or the user's). */
  nodes: number;
  /** Copies of each stream and KV bucket (0: the run kept nothing on the server). */
  replicas: number;
}

/** What a run is about, known before the first order. */
export interface RunInfo {
  scenario: string;
  seed: number;
  topology: 'parallel' | 'sequential';
  delivery: 'jetstream' | 'core';
  planned: number;
  rate: number;
}

/** A fault taking effect (or ending), at ms from the run's start. */
export interface FaultMark {
  atMs: number;
  /** Epoch ms, on the clock of RecentEvent.at. */
  at: number;
  text: string;
}

/** Everything the engine tells its subscribers. */
export type EngineEvent =
  | { type: 'start'; info: RunInfo }
  | { type: 'broker'; broker: BrokerInfo }
  | { type: 'phase'; phase: Phase }
  | { type: 'snapshot'; snapshot: RunSnapshot }
  | { type: 'warning'; message: string }
  /** Something the user should see that is not wrong (a generator joined, a part given). */
  | { type: 'notice'; message: string }
  | { type: 'fault'; fault: FaultMark }
  | { type: 'done'; report: Report };

export type EngineListener = (event: EngineEvent) => void;

/** What displays and commands hold of a run, whichever engine runs it (saga-sim's services, or a --target). */
export interface Engine {
  subscribe(listener: EngineListener): () => void;
  /** Stops placing orders; sagas in flight drain. `interrupted` (Ctrl-C) marks the report. */
  stopLoad(interrupted?: boolean): void;
  togglePause(): void;
  scaleRate(factor: number): void;
  run(): Promise<Report>;
}
