import { z } from 'zod';
import { parseDuration } from '../scenario/duration.js';

/** A latency distribution in ms, as a scenario writes it: "20ms", "normal(20ms, 5ms)", "uniform(10ms, 30ms)", "exponential(20ms)". */
export const DistributionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant'), ms: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('normal'), mean: z.number().nonnegative(), sd: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('uniform'), min: z.number().nonnegative(), max: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('exponential'), mean: z.number().nonnegative() }),
]);
export type Distribution = z.infer<typeof DistributionSchema>;

export const DISTRIBUTION_HELP = 'use a duration ("20ms") or normal(20ms, 5ms), uniform(10ms, 30ms), exponential(20ms)';

/** Parses the scenario form; undefined when it is not one. */
export function parseDistribution(text: string): Distribution | undefined {
  const plain = parseDuration(text);
  if (plain !== undefined) return { kind: 'constant', ms: plain };
  const match = /^\s*(normal|uniform|exponential)\s*\(([^)]*)\)\s*$/.exec(text);
  if (!match) return undefined;
  const args = (match[2] as string).split(',').map((a) => parseDuration(a.trim()));
  if (args.some((a) => a === undefined)) return undefined;
  const [a, b] = args as number[];
  switch (match[1]) {
    case 'normal':
      return args.length === 2 ? { kind: 'normal', mean: a as number, sd: b as number } : undefined;
    case 'uniform':
      return args.length === 2 && (a as number) <= (b as number) ? { kind: 'uniform', min: a as number, max: b as number } : undefined;
    default:
      return args.length === 1 ? { kind: 'exponential', mean: a as number } : undefined;
  }
}

/** One draw in ms, never negative. `random` is uniform in [0, 1), seeded by the caller. */
export function sample(d: Distribution, random: () => number): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return d.min + (d.max - d.min) * random();
    case 'exponential':
      return -d.mean * Math.log(1 - random());
    case 'normal': {
      // Box-Muller; a draw below zero is clamped, so a wide sd piles a little mass at 0.
      const u = 1 - random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
      return Math.max(0, d.mean + d.sd * z);
    }
  }
}

/** The scenario form back again, for reports. */
export function distributionText(d: Distribution): string {
  switch (d.kind) {
    case 'constant':
      return `${d.ms}ms`;
    case 'normal':
      return `normal(${d.mean}ms, ${d.sd}ms)`;
    case 'uniform':
      return `uniform(${d.min}ms, ${d.max}ms)`;
    case 'exponential':
      return `exponential(${d.mean}ms)`;
  }
}
