import type { SagaEvent } from '../../events/schema.js';
import { outgoing, type Outgoing, type Topology } from '../outgoing.js';
import { paymentSucceeds } from './decision.js';

export interface PaymentConfig {
  seed: number;
  /** Share of charges that succeed, 0..1. */
  successRate: number;
  /** false: every charge succeeds (USE_SIMULATED_PAYMENT=false). */
  simulated: boolean;
  topology: Topology;
  /** Per-order decisions a script forces, overriding the simulation. */
  forced?: Readonly<Record<string, 'fail' | 'succeed'>>;
}

/** What the payment service knows about one order. Facts are recorded whatever order they arrive in. */
export interface PaymentRecord {
  orderId: string;
  amount?: number;
  /** eventId of order.created.v1 once seen. */
  createdEventId?: string;
  /** eventId of inventory.reserved.v1 once seen (the trigger in the sequential topology). */
  reservedEventId?: string;
  /** eventId of the event that asks for a refund (inventory.failed.v1 or order.failed.v1). */
  compensateEventId?: string;
  charge: 'none' | 'charged' | 'declined';
  refunded: boolean;
}

export interface Transaction {
  kind: 'charge' | 'refund';
  orderId: string;
  transactionId: string;
  amount: number;
}

export interface PaymentStep {
  record: PaymentRecord;
  emit: Outgoing[];
  transactions: Transaction[];
}

export const PAYMENT_CONSUMES = [
  'order.created.v1',
  'inventory.reserved.v1',
  'inventory.failed.v1',
  'order.failed.v1',
] as const;

export function reducePayment(prev: PaymentRecord | undefined, event: SagaEvent, config: PaymentConfig): PaymentStep {
  const record: PaymentRecord = prev ? { ...prev } : { orderId: event.orderId, charge: 'none', refunded: false };
  switch (event.type) {
    case 'order.created.v1':
      record.createdEventId ??= event.eventId;
      record.amount ??= event.payload.amount;
      break;
    case 'inventory.reserved.v1':
      record.reservedEventId ??= event.eventId;
      break;
    case 'inventory.failed.v1':
    case 'order.failed.v1':
      record.compensateEventId ??= event.eventId;
      break;
    default:
      return { record: prev ?? record, emit: [], transactions: [] };
  }
  return advance(record, config);
}

function advance(record: PaymentRecord, config: PaymentConfig): PaymentStep {
  const emit: Outgoing[] = [];
  const transactions: Transaction[] = [];
  const trigger = config.topology === 'parallel' ? record.createdEventId : record.reservedEventId;
  // A saga already being compensated is never charged; in the parallel topology an early
  // inventory failure still gets a decision, so the order service hears from both sides.
  const mayCharge = config.topology === 'parallel' || record.compensateEventId === undefined;
  if (record.charge === 'none' && trigger !== undefined && record.amount !== undefined && mayCharge) {
    const forced = config.forced?.[record.orderId];
    const ok = forced ? forced === 'succeed' : !config.simulated || paymentSucceeds(config.seed, record.orderId, config.successRate);
    if (ok) {
      record.charge = 'charged';
      const transactionId = `tx-${record.orderId}`;
      transactions.push({ kind: 'charge', orderId: record.orderId, transactionId, amount: record.amount });
      emit.push(outgoing('payment.confirmed.v1', record.orderId, trigger, { transactionId, amount: record.amount }));
    } else {
      record.charge = 'declined';
      emit.push(outgoing('payment.failed.v1', record.orderId, trigger, { reason: 'card declined (simulated)' }));
    }
  }
  if (record.charge === 'charged' && !record.refunded && record.compensateEventId !== undefined) {
    record.refunded = true;
    const transactionId = `rf-${record.orderId}`;
    const amount = record.amount ?? 0;
    transactions.push({ kind: 'refund', orderId: record.orderId, transactionId, amount });
    emit.push(outgoing('payment.refunded.v1', record.orderId, record.compensateEventId, { transactionId, amount }));
  }
  return { record, emit, transactions };
}
