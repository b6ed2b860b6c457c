import type { Topology } from '../services/outgoing.js';
import type { OrderTrace } from './trace.js';

/**
 * Whether a saga that ended FAILED has settled on NATS: the decisions that were coming have been
 * seen, and each of them that took effect has been compensated. A FAILED terminal event comes
 * before its compensation, so the run waits for this before it checks invariants.
 * (In the sequential topology payment never decides once the saga failed, so it is not awaited.)
 * With core delivery a decision may never come (its trigger was lost), so only the effects seen
 * are required to be compensated.
 */
export function failedSagaSettled(counts: OrderTrace['counts'], topology: Topology, delivery: 'jetstream' | 'core' = 'jetstream'): boolean {
  const has = (type: keyof OrderTrace['counts']) => (counts[type] ?? 0) > 0;
  const inventoryDecided = has('inventory.reserved.v1') || has('inventory.failed.v1');
  const paymentDecided = has('payment.confirmed.v1') || has('payment.failed.v1');
  if (delivery === 'jetstream' && (!inventoryDecided || (topology === 'parallel' && !paymentDecided))) return false;
  if (has('payment.confirmed.v1') && !has('payment.refunded.v1')) return false;
  return !has('inventory.reserved.v1') || has('inventory.released.v1');
}

/**
 * Whether a saga has settled on NATS, so its records can be checked and dropped: it ended, and
 * for a saga that did not end CONFIRMED, everything failedSagaSettled waits for has come.
 */
export function sagaSettled(counts: OrderTrace['counts'], topology: Topology, delivery: 'jetstream' | 'core' = 'jetstream'): boolean {
  if ((counts['order.confirmed.v1'] ?? 0) > 0) return true;
  if ((counts['order.cancelled.v1'] ?? 0) === 0 && (counts['order.failed.v1'] ?? 0) === 0) return false;
  return failedSagaSettled(counts, topology, delivery);
}
