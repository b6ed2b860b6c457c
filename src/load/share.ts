import type { Scenario } from '../scenario/schema.js';

/** One generator's place among the run's generators: `index` from 0 of `count`. */
export interface GeneratorPart {
  index: number;
  count: number;
}

/** The whole run as one part (a run with a single generator). */
export const WHOLE: GeneratorPart = { index: 0, count: 1 };

/**
 * This generator's seed, derived from the run's: each part draws its own orders and arrivals, and
 * the same seed and count of generators reproduce the whole run. Part 0 of 1 keeps the run's seed.
 */
export function partSeed(seed: number, part: GeneratorPart): number {
  if (part.count === 1) return seed;
  return (Math.imul(seed ^ 0x85ebca6b, 0x9e3779b1) + Math.imul(part.index + 1, 0xc2b2ae35)) >>> 0;
}

/** This part's share of a total: the parts add up to it, the first ones taking one more when it does not divide. */
export function shareOf(total: number, part: GeneratorPart): number {
  const base = Math.floor(total / part.count);
  return base + (part.index < total % part.count ? 1 : 0);
}

/**
 * The scenario one generator fires: its share of the count, the rate (or the concurrency of a
 * closed loop), each burst and each ramp stage, its own seed for orders and arrivals; the script
 * (named orders) is the first generator's. The catalogue is the run's (built from `scenario.seed`
 * before the share is taken), so every part orders the same products.
 */
export function scenarioPart(scenario: Scenario, part: GeneratorPart): Scenario {
  if (part.count === 1) return scenario;
  const rate = (r: number) => r / part.count;
  const { orders, load } = scenario;
  const shared: Scenario['load'] =
    load.model === 'closed'
      ? { ...load, concurrency: Math.max(1, shareOf(load.concurrency, part)) }
      : load.model === 'burst'
        ? { ...load, size: Math.max(1, shareOf(load.size, part)) }
        : load.model === 'ramping'
          ? { ...load, startRate: rate(load.startRate), stages: load.stages.map((s) => ({ ...s, target: rate(s.target) })) }
          : load;
  return {
    ...scenario,
    seed: partSeed(scenario.seed, part),
    orders: { ...orders, rate: rate(orders.rate), ...(orders.count !== undefined ? { count: shareOf(orders.count, part) } : {}) },
    load: shared,
    script: part.index === 0 ? scenario.script : [],
  };
}

/**
 * The run-wide sequence number of this part's n-th generated order (from 1): the parts interleave,
 * so together they place the ids one generator would have, each exactly once.
 */
export function globalSeq(n: number, part: GeneratorPart): number {
  return (n - 1) * part.count + part.index + 1;
}
