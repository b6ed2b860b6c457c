/**
 * How a coordinator and its generators talk: NATS request/reply on subjects beside the services'
 * control subjects, one set per run id. Each message is checked on arrival (it comes from another
 * process, maybe another version of saga-sim).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RunNames } from '../../broker/names.js';
import type { Scenario } from '../../scenario/schema.js';

/** A run id is one NATS subject token. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const runSubjects = (names: RunNames, runId: string) => {
  const root = `${names.controlRoot}.run.${runId}`;
  return {
    /** The coordinator asks who is there; every generator answers (requestMany). */
    roll: `${root}.roll`,
    /** Requests to one generator: start with its part, or stop. */
    generator: (id: string) => `${root}.generator.${id}`,
    /** Generators publish their counters and histograms here at a fixed interval. */
    progress: `${root}.progress`,
    /** A generator hands in its report here, and waits for the coordinator's answer. */
    report: `${root}.report`,
  };
};

/** The scenario as every process must read it: the same file, the same settings. */
export function scenarioDigest(scenario: Scenario): string {
  const { file: _file, ...settings } = scenario;
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

export const HereSchema = z.strictObject({
  id: z.string().regex(RUN_ID_PATTERN),
  host: z.string().max(256),
  pid: z.number().int().nonnegative(),
  scenario: z.string().max(256),
  digest: z.string().max(64),
  /** Whether it has its part (started) and whether its report is in. */
  started: z.boolean(),
});
export type Here = z.infer<typeof HereSchema>;

export const GeneratorRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('start'), index: z.number().int().nonnegative(), count: z.number().int().positive() }),
  z.strictObject({ op: z.literal('stop') }),
  /** The coordinator failed (its services gone, other scenario settings, …): the generator ends with this. */
  z.strictObject({ op: z.literal('abort'), why: z.string().max(2000) }),
]);
export type GeneratorRequest = z.infer<typeof GeneratorRequestSchema>;

const Histograms = z.strictObject({ corrected: z.string(), uncorrected: z.string() });
export const ProgressSchema = z.strictObject({
  id: z.string().regex(RUN_ID_PATTERN),
  index: z.number().int().nonnegative(),
  phase: z.string().max(32),
  sent: z.number().int().nonnegative(),
  confirmed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Latency of this generator's sagas so far, measured on its own clock (compressed HDR, µs). */
  hdr: Histograms,
});
export type Progress = z.infer<typeof ProgressSchema>;

/** The report is a saga-sim report (checked by its schemaVersion where it is read). */
export const ReportMessageSchema = z.strictObject({ id: z.string().regex(RUN_ID_PATTERN), index: z.number().int().nonnegative(), report: z.record(z.string(), z.unknown()) });

export type Reply = { ok: true } | { ok: false; error: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const encode = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** A request's answer (both sides are saga-sim's own). */
export const decodeReply = (data: Uint8Array): Reply => JSON.parse(decoder.decode(data)) as Reply;

/** The message checked against its schema; undefined (with why) when it does not match. */
export function parse<T>(schema: z.ZodType<T>, data: Uint8Array): { value: T } | { error: string } {
  try {
    const result = schema.safeParse(JSON.parse(decoder.decode(data)));
    return result.success ? { value: result.data } : { error: result.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})` };
  }
}
