import type { BrokerInfo, EngineEvent, Phase, RunInfo, RunSnapshot } from '../engine/events.js';
import type { RecentEvent } from '../engine/outcomes.js';
import type { Report } from '../report/report.js';

/** How many throughput points and tail events the dashboard keeps. */
export const HISTORY_LIMIT = 300;
export const TAIL_LIMIT = 200;

export interface DashboardState {
  info?: RunInfo;
  broker?: BrokerInfo;
  phase: Phase;
  snapshot?: RunSnapshot;
  /** Sagas/s, one point per snapshot, oldest first. */
  throughput: number[];
  /** Snapshots received so far, and the snapshot counts at which faults took effect (chart markers). */
  points: number;
  faultPoints: number[];
  peakRate: number;
  tail: TailEntry[];
  showTail: boolean;
  showHelp: boolean;
  /** The user asked to stop; the run is draining. */
  stopping: boolean;
  warnings: string[];
  report?: Report;
}

/** A line of the event tail: a saga event, or a fault taking effect. */
export type TailEntry = RecentEvent | { at: number; fault: string };

export type DashboardAction =
  | { type: 'engine'; event: EngineEvent }
  | { type: 'toggle-tail' }
  | { type: 'toggle-help' }
  | { type: 'stopping' };

export const initialState: DashboardState = {
  phase: 'starting-broker',
  throughput: [],
  points: 0,
  faultPoints: [],
  peakRate: 0,
  tail: [],
  showTail: true,
  showHelp: false,
  stopping: false,
  warnings: [],
};

/** Pure: the dashboard's whole state is a fold over engine events and key actions. */
export function reduce(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case 'toggle-tail':
      return { ...state, showTail: !state.showTail };
    case 'toggle-help':
      return { ...state, showHelp: !state.showHelp };
    case 'stopping':
      return { ...state, stopping: true };
    case 'engine':
      return reduceEngine(state, action.event);
  }
}

function reduceEngine(state: DashboardState, event: EngineEvent): DashboardState {
  switch (event.type) {
    case 'start':
      return { ...state, info: event.info };
    case 'broker':
      return { ...state, broker: event.broker };
    case 'phase':
      return { ...state, phase: event.phase };
    case 'warning':
    case 'notice':
      return { ...state, warnings: [...state.warnings, event.message].slice(-3) };
    case 'fault':
      return {
        ...state,
        faultPoints: [...state.faultPoints, state.points].slice(-HISTORY_LIMIT),
        tail: [...state.tail, { at: event.fault.at, fault: event.fault.text }].slice(-TAIL_LIMIT),
      };
    case 'done':
      return { ...state, report: event.report, phase: 'done' };
    case 'snapshot': {
      const s = event.snapshot;
      const throughput = [...state.throughput, s.currentRate].slice(-HISTORY_LIMIT);
      const tail = s.recent.length ? [...state.tail, ...s.recent].slice(-TAIL_LIMIT) : state.tail;
      return { ...state, snapshot: s, phase: s.phase, throughput, points: state.points + 1, peakRate: Math.max(state.peakRate, s.currentRate), tail };
    }
  }
}
