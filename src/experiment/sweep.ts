import { withNatsServer } from '../broker/embedded-server.js';
import type { EngineListener } from '../engine/events.js';
import type { Namespace } from '../broker/names.js';
import { createEngine } from '../engine/create-engine.js';
import type { SeriesControl } from '../engine/series.js';
import type { ScenarioOverrides } from '../scenario/load.js';
import { expectedConfirmedShare } from './model.js';
import { checkParam, scenarioAt, type SweepSpec } from './params.js';
import { wilson } from './wilson.js';

/** One point of a sweep: what a run at this parameter value produced. */
export interface SweepPoint {
  param: string;
  value: number;
  orders: number;
  confirmed: number;
  cancelled: number;
  failed: number;
  pending: number;
  share: { confirmed: number; cancelled: number; failed: number };
  /** 95% Wilson interval of the confirmed share. */
  ci: [number, number];
  /** The model's confirmed share, where it is computable. */
  expected: number | null;
  /** The expected share lies outside the observed interval. */
  flagged: boolean;
  cancelledByReason: { payment_failed: number; out_of_stock: number; payment_and_stock: number };
  compensations: { inventoryReleased: number; paymentRefunded: number };
  latencyMs: { confirmed: { p50: number; p99: number }; cancelled: { p50: number; p99: number } };
  sagasPerSecond: number;
  invariantsPassed: boolean;
  seconds: number;
}

export interface SweepOptions {
  text: string;
  file: string;
  overrides: ScenarioOverrides;
  spec: SweepSpec;
  natsUrl?: string;
  /** PostgreSQL for `state: postgres`. */
  databaseUrl?: string;
  /** Names on the server (default: a fresh run id per point). */
  namespace?: Partial<Namespace>;
  simulatedPayment?: boolean;
  signal?: AbortSignal;
  /** A stop (Ctrl-C) drains the running point and starts no next one. */
  control?: SeriesControl;
  /** Told before each point starts; may return a listener for that point's engine events. */
  onPointStart?(index: number, value: number): EngineListener | undefined;
  onPoint?(point: SweepPoint, index: number): void;
}

/**
 * Runs the scenario once per parameter value, each on fresh streams and fresh stock with the same
 * seed, so points are independent and reproducible. One nats-server serves every point.
 */
export async function runSweep(options: SweepOptions): Promise<SweepPoint[]> {
  const { spec } = options;
  const points = spec.values.map((value) => scenarioAt(options.text, options.file, options.overrides, spec.param, value));
  if (points[0]) checkParam(points[0], spec.param);
  return withNatsServer(options.natsUrl, async (natsUrl) => {
    const results: SweepPoint[] = [];
    for (const [index, scenario] of points.entries()) {
      if (options.control?.stopping) break;
      const value = spec.values[index] as number;
      const engine = createEngine({ scenario, natsUrl, databaseUrl: options.databaseUrl, namespace: options.namespace, simulatedPayment: options.simulatedPayment, signal: options.signal });
      options.control?.watch(engine);
      const listener = options.onPointStart?.(index, value);
      if (listener) engine.subscribe(listener);
      const report = await engine.run();
      const o = report.orders;
      const ci = wilson(o.confirmed, o.total);
      const expected = expectedConfirmedShare(scenario, o.total, options.simulatedPayment ?? true) ?? null;
      const share = (n: number) => (o.total === 0 ? 0 : n / o.total);
      const point: SweepPoint = {
        param: spec.param,
        value,
        orders: o.total,
        confirmed: o.confirmed,
        cancelled: o.cancelled,
        failed: o.failed,
        pending: o.pending,
        share: { confirmed: share(o.confirmed), cancelled: share(o.cancelled), failed: share(o.failed) },
        ci,
        expected,
        flagged: expected !== null && (expected < ci[0] - 1e-12 || expected > ci[1] + 1e-12),
        cancelledByReason: o.cancelledByReason,
        compensations: report.compensations,
        latencyMs: {
          confirmed: { p50: report.latency.confirmedMs.p50, p99: report.latency.confirmedMs.p99 },
          cancelled: { p50: report.latency.cancelledMs.p50, p99: report.latency.cancelledMs.p99 },
        },
        sagasPerSecond: report.throughput.sagasPerSecond,
        invariantsPassed: report.orders.pending === 0 && report.invariants.every((i) => i.passed),
        seconds: report.durationSeconds,
      };
      results.push(point);
      options.onPoint?.(point, index);
    }
    return results;
  });
}
