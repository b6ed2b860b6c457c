import type { Service } from '../service.js';
import { memoryStore, save, take, type RecordStore } from '../state/record-store.js';
import { paymentConsumes, paymentEvents, reducePayment, type PaymentConfig, type PaymentRecord } from './logic.js';

export function createPaymentService(config: PaymentConfig, records: RecordStore<PaymentRecord> = memoryStore()): Service {
  return {
    name: 'payment',
    consumes: paymentConsumes(config.topology),
    handle(event, redelivered) {
      const prev = records.get(event.orderId);
      const step = reducePayment(prev, event, config);
      const saved = save(records, event.orderId, prev, step.record);
      return { emit: redelivered ? paymentEvents(step.record, config.topology) : step.emit, saved };
    },
    // The ledger is the records' own transaction lists, so it survives a restart with them.
    snapshot: () => ({ service: 'payment', transactions: [...records.values()].flatMap((r) => r.ledger) }),
    release: (orderIds) => ({ service: 'payment', transactions: take(records, orderIds).flatMap((r) => r.ledger) }),
  };
}
