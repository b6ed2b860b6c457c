import type { SagaEvent } from '../../events/schema.js';
import type { EventType } from '../../events/subjects.js';
import { added, outgoing, type Outgoing, type Topology } from '../outgoing.js';
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
  /** Every charge and refund made for this order, as made: a double charge would show here twice. */
  ledger: Transaction[];
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

/**
 * What payment reads. inventory.reserved.v1 is its trigger in the sequential topology only: in the
 * parallel one it charges on order.created.v1, and reading inventory.reserved.v1 anyway cost every
 * saga a fifth service delivery (a decode, an ack, and a state write that changed nothing it uses).
 */
export function paymentConsumes(topology: Topology): readonly EventType[] {
  const always = ['order.created.v1', 'inventory.failed.v1', 'order.failed.v1'] as const;
  return topology === 'sequential' ? [...always, 'inventory.reserved.v1'] : always;
}

export function reducePayment(prev: PaymentRecord | undefined, event: SagaEvent, config: PaymentConfig): PaymentStep {
  const record: PaymentRecord = prev ? { ...prev } : { orderId: event.orderId, charge: 'none', refunded: false, ledger: [] };
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
  return advance(prev, record, config);
}

/** The events a record's state stands for (see orderEvents). */
export function paymentEvents(r: PaymentRecord | undefined, topology: Topology): Outgoing[] {
  if (!r) return [];
  const events: Outgoing[] = [];
  const trigger = (topology === 'parallel' ? r.createdEventId : r.reservedEventId) ?? r.orderId;
  if (r.charge === 'charged') {
    events.push(outgoing('payment.confirmed.v1', r.orderId, trigger, { transactionId: chargeId(r.orderId), amount: r.amount ?? 0 }));
  } else if (r.charge === 'declined') {
    events.push(outgoing('payment.failed.v1', r.orderId, trigger, { reason: DECLINED }));
  }
  if (r.refunded) {
    events.push(outgoing('payment.refunded.v1', r.orderId, r.compensateEventId ?? trigger, { transactionId: refundId(r.orderId), amount: r.amount ?? 0 }));
  }
  return events;
}

const DECLINED = 'card declined (simulated)';
const chargeId = (orderId: string) => `tx-${orderId}`;
const refundId = (orderId: string) => `rf-${orderId}`;

function advance(prev: PaymentRecord | undefined, record: PaymentRecord, config: PaymentConfig): PaymentStep {
  const transactions: Transaction[] = [];
  const trigger = config.topology === 'parallel' ? record.createdEventId : record.reservedEventId;
  // A saga already being compensated is never charged; in the parallel topology an early
  // inventory failure still gets a decision, so the order service hears from both sides.
  const mayCharge = config.topology === 'parallel' || record.compensateEventId === undefined;
  if (record.charge === 'none' && trigger !== undefined && record.amount !== undefined && mayCharge) {
    const forced = config.forced?.[record.orderId];
    const ok = forced ? forced === 'succeed' : !config.simulated || paymentSucceeds(config.seed, record.orderId, config.successRate);
    record.charge = ok ? 'charged' : 'declined';
    if (ok) transactions.push({ kind: 'charge', orderId: record.orderId, transactionId: chargeId(record.orderId), amount: record.amount });
  }
  if (record.charge === 'charged' && !record.refunded && record.compensateEventId !== undefined) {
    record.refunded = true;
    transactions.push({ kind: 'refund', orderId: record.orderId, transactionId: refundId(record.orderId), amount: record.amount ?? 0 });
  }
  if (transactions.length > 0) record.ledger = [...record.ledger, ...transactions];
  return { record, emit: added(paymentEvents(prev, config.topology), paymentEvents(record, config.topology)), transactions };
}
