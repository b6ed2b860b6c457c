import { createInventoryService } from './inventory/service.js';
import { createOrderService } from './order/service.js';
import { createPaymentService } from './payment/service.js';
import type { WorkerConfig } from './protocol.js';
import type { Service } from './service.js';

export function createService(config: WorkerConfig): Service {
  switch (config.service) {
    case 'order':
      return createOrderService({ topology: config.topology, sagaTimeoutMs: config.sagaTimeoutMs });
    case 'payment':
      return createPaymentService({ ...config.payment, topology: config.topology, forced: config.forcedPayments });
    case 'inventory':
      return createInventoryService({ stock: config.stock, short: config.shortOrders });
  }
}
