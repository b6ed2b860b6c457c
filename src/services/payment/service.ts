import type { Service } from '../service.js';
import { PAYMENT_CONSUMES, reducePayment, type PaymentConfig, type PaymentRecord, type Transaction } from './logic.js';

export function createPaymentService(config: PaymentConfig): Service {
  const records = new Map<string, PaymentRecord>();
  const ledger: Transaction[] = [];
  return {
    name: 'payment',
    consumes: PAYMENT_CONSUMES,
    handle(event) {
      const step = reducePayment(records.get(event.orderId), event, config);
      records.set(event.orderId, step.record);
      ledger.push(...step.transactions);
      return step.emit;
    },
    snapshot: () => ({ service: 'payment', transactions: [...ledger] }),
  };
}
