import type { LatencySummary } from '../metrics/histogram.js';
import type { Report } from '../report/report.js';

export type Phase = 'starting-broker' | 'provisioning' | 'starting-services' | 'loading' | 'draining' | 'verifying' | 'done';

/** A point-in-time view of a run, published at a fixed interval. Every display renders only these. */
export interface RunSnapshot {
  phase: Phase;
  elapsedMs: number;
  planned: number;
  sent: number;
  targetRate: number;
  /** Sagas finished per second over the last interval. */
  currentRate: number;
  inFlight: number;
  confirmed: number;
  cancelled: number;
  failed: number;
  deadLetters: number;
  latency: LatencySummary;
}

export interface BrokerInfo {
  url: string;
  monitorUrl?: string;
  /** Temporary JetStream store of an embedded server; deleted when the run ends. */
  storeDir?: string;
  embedded: boolean;
  version: string;
}

/** Everything the engine tells its subscribers. */
export type EngineEvent =
  | { type: 'broker'; broker: BrokerInfo }
  | { type: 'phase'; phase: Phase }
  | { type: 'snapshot'; snapshot: RunSnapshot }
  | { type: 'warning'; message: string }
  | { type: 'done'; report: Report };

export type EngineListener = (event: EngineEvent) => void;
