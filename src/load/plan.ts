import type { Scenario } from '../scenario/schema.js';
import { arrivals, totalDurationMs, type ArrivalProcess } from './arrivals.js';

/** How a run places its orders: which loop, and when it stops. */
/**
 * Without orders.maxInFlight, an open loop drops (and counts) arrivals only past this many sagas in
 * flight: far beyond what any overload test needs, it keeps memory bounded when the offered rate is
 * absurd (at 1,000,000/s, half a million sagas were in flight and 560 MB of RSS within ten seconds).
 */
export const IN_FLIGHT_GUARD = 100_000;

export type LoadPlan =
  | { kind: 'open'; arrivals: ArrivalProcess; count: number; durationMs?: number; planned: number; maxInFlight?: number }
  | { kind: 'closed'; concurrency: number; thinkMs: number; count: number; durationMs?: number; planned: number };

/**
 * The scenario's load model with its limits. Scripted orders count towards `count`, and so do
 * dropped arrivals (count is what the model offers). A ramp with neither count nor duration runs
 * for its stages' total time.
 */
export function loadPlan(scenario: Scenario, scriptCount: number): LoadPlan {
  const { count, duration, rate, maxInFlight } = scenario.orders;
  const load = scenario.load;
  const durationMs = duration ?? (load.model === 'ramping' && count === undefined ? totalDurationMs(stagesOf(load)) : undefined);
  const limit = count !== undefined ? scriptCount + count : durationMs !== undefined ? Infinity : scriptCount;
  const estimate = (meanRate: number) => (Number.isFinite(limit) ? limit : scriptCount + Math.round(((durationMs ?? 0) / 1000) * meanRate));
  const open = (process: ArrivalProcess, meanRate: number): LoadPlan => ({ kind: 'open', arrivals: process, count: limit, durationMs, planned: estimate(meanRate), maxInFlight });
  switch (load.model) {
    case 'closed':
      return { kind: 'closed', concurrency: load.concurrency, thinkMs: load.thinkTime, count: limit, durationMs, planned: estimate(rate) };
    case 'ramping':
      return open(arrivals({ model: 'ramping', startRate: load.startRate, stages: stagesOf(load) }, scenario.seed), meanRampRate(load.startRate, stagesOf(load), durationMs));
    case 'burst':
      return open(arrivals({ model: 'burst', size: load.size, everyMs: load.every }, scenario.seed), (load.size * 1000) / load.every);
    case 'poisson':
      return open(arrivals({ model: 'poisson', rate }, scenario.seed), rate);
    case 'constant':
      return open(arrivals({ model: 'constant', rate }, scenario.seed), rate);
  }
}

function stagesOf(load: { stages: readonly { duration: number; target: number }[] }) {
  return load.stages.map((s) => ({ durationMs: s.duration, target: s.target }));
}

/** Over `durationMs` when it outlasts the stages: the last target holds after them (a ramp-up, then steady). */
function meanRampRate(startRate: number, stages: readonly { durationMs: number; target: number }[], durationMs?: number): number {
  let from = startRate;
  let area = 0;
  for (const s of stages) {
    area += ((from + s.target) / 2) * s.durationMs;
    from = s.target;
  }
  const stagesMs = totalDurationMs(stages);
  const total = Math.max(stagesMs, durationMs ?? 0);
  area += from * (total - stagesMs);
  return total === 0 ? 0 : area / total;
}
