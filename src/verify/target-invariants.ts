import { TERMINAL_TYPES, type EventType } from '../events/subjects.js';
import { MAX_LISTED, result, type Count, type InvariantResult } from './invariants.js';
import type { TraceBook } from './trace.js';

export interface TargetCheckInput {
  /** The target's ids of every order this run placed. */
  placed: Iterable<string>;
  observed: TraceBook;
  /** Which design events the target publishes (a rule needs both its sides). */
  publishes: (type: EventType) => boolean;
  /** Events about orders this run did not place. */
  foreign: number;
  /** Sagas whose terminal event came later than the saga timeout after their order went out. */
  late: { count: number; listed: string[] };
  sagaTimeoutMs: number;
  /** POSTs made, and those that got no order in (by kind: timeout, http_5xx, …). */
  entry: { requests: number; errors: Record<string, number> };
  /** The API's final status against the terminal event, for the orders checked (when asked). */
  statusChecks?: { checked: number; mismatches: string[] };
}

/**
 * What can be known of a system saga-sim does not own, from its events alone: each order ends
 * once, nothing both confirmed and compensated, every failure compensated, nothing unasked for.
 */
export function checkTarget(input: TargetCheckInput): InvariantResult[] {
  const { publishes } = input;
  const created = publishes('order.created.v1');
  const once: Count = fresh();
  const both: Count = fresh();
  const compensated: Count = fresh();
  const rules = [
    { failed: 'payment.failed.v1', held: 'inventory.reserved.v1', undo: 'inventory.released.v1', says: 'reserved, payment failed, never released' },
    { failed: 'inventory.failed.v1', held: 'payment.confirmed.v1', undo: 'payment.refunded.v1', says: 'charged, stock failed, never refunded' },
  ].filter((r) => [r.failed, r.held, r.undo].every((t) => publishes(t as EventType)));
  for (const id of input.placed) {
    const counts = input.observed.orders.get(id)?.counts ?? {};
    const n = (type: EventType) => counts[type] ?? 0;
    const terminal = TERMINAL_TYPES.reduce((sum, t) => sum + n(t), 0);
    add(once, terminal === 1 && (!created || n('order.created.v1') === 1) ? undefined : `${id}: ${created ? `${n('order.created.v1')} created, ` : ''}${terminal} terminal`);
    add(both, n('order.confirmed.v1') > 0 && (n('inventory.released.v1') > 0 || n('payment.refunded.v1') > 0) ? `${id}: confirmed and compensated` : undefined);
    const broken = rules.find((r) => n(r.failed as EventType) > 0 && n(r.held as EventType) > 0 && n(r.undo as EventType) === 0);
    add(compensated, broken ? `${id}: ${broken.says}` : undefined);
  }
  const refused = Object.entries(input.entry.errors).filter(([, n]) => n > 0);
  const failed = refused.reduce((sum, [, n]) => sum + n, 0);
  const results = [
    failed === 0
      ? { name: ACCEPTED, passed: true, details: `${input.entry.requests} accepted` }
      : { name: ACCEPTED, passed: false, details: `${failed} of ${input.entry.requests} got no order in: ${refused.map(([kind, n]) => `${n} ${kind}`).join(', ')}` },
    result(`every placed order has ${created ? 'one order.created.v1 and ' : ''}exactly one terminal event on NATS`, once),
    result(`every saga ended within the saga timeout (${input.sagaTimeoutMs / 1000} s)`, { checked: once.checked, violations: input.late.count, listed: input.late.listed }),
    result('no order both confirmed and compensated', both),
    rules.length > 0
      ? result(`every failure is compensated on NATS (${rules.map((r) => (r.undo === 'inventory.released.v1' ? 'release after payment failure' : 'refund after stock failure')).join(', ')})`, compensated)
      : { name: 'every failure is compensated on NATS', passed: true, details: 'not checked: the mapping lacks the failure, hold or undo events' },
    input.foreign === 0
      ? { name: FOREIGN, passed: true, details: 'none seen' }
      : { name: FOREIGN, passed: false, details: `${input.foreign} events named orders no POST of this run answered with (another client's, or a POST that timed out yet created its order)` },
  ];
  if (input.statusChecks) {
    const { checked, mismatches } = input.statusChecks;
    results.push(result("the API's final status matches the terminal event", { checked, violations: mismatches.length, listed: mismatches.slice(0, MAX_LISTED) }));
  }
  return results;
}

const FOREIGN = 'no event about an order this run did not place';
const ACCEPTED = 'the target accepted every order (an order id in its answer)';
const fresh = (): Count => ({ checked: 0, violations: 0, listed: [] });

function add(count: Count, violation: string | undefined): void {
  count.checked++;
  if (violation === undefined) return;
  count.violations++;
  if (count.listed.length < MAX_LISTED) count.listed.push(violation);
}
