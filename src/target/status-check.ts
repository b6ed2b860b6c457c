import type { SagaWatch } from '../engine/saga-watch.js';
import type { TerminalType } from '../events/subjects.js';
import type { TargetConfig } from '../scenario/target-schema.js';
import type { HttpOrderEntry } from './http-entry.js';

/** GETs at once while checking. */
const CONCURRENCY = 8;

/**
 * Asks the target's API for the final status of a sample of the orders, spread evenly over the
 * run, and compares each with the terminal event seen on NATS.
 */
export async function checkStatuses(entry: HttpOrderEntry, check: NonNullable<TargetConfig['check']>, placed: readonly string[], watch: SagaWatch): Promise<{ checked: number; mismatches: string[] }> {
  const step = Math.max(1, placed.length / check.sample);
  const sample: string[] = [];
  for (let i = 0; i < placed.length && sample.length < check.sample; i += step) sample.push(placed[Math.floor(i)] as string);
  const expected: Record<TerminalType, string> = { 'order.confirmed.v1': check.values.confirmed, 'order.cancelled.v1': check.values.cancelled, 'order.failed.v1': check.values.failed };
  const mismatches: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sample.length) {
      const id = sample[next++] as string;
      const counts = watch.observer.book.orders.get(id)?.counts ?? {};
      const terminal = (Object.keys(expected) as TerminalType[]).find((t) => (counts[t] ?? 0) > 0);
      const status = await entry.status(id);
      const want = terminal ? expected[terminal] : undefined;
      if (status !== want) mismatches.push(`${id}: the API says ${status || 'nothing'}, NATS says ${terminal ?? 'no terminal event'}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { checked: sample.length, mismatches };
}
