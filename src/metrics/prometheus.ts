import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { EventType } from '../events/subjects.js';

/** What the counters read on each scrape, beyond the events. */
export interface MetricSources {
  /** Dead letters seen on NATS so far. */
  deadLetters(): number;
  /** Redeliveries each service has had so far. */
  redeliveries(service: 'order' | 'payment' | 'inventory'): number;
}

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Saga durations, from the API accepting an order to its terminal event. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The design's Prometheus counters, one registry per service as its URLs serve them
 * (/orders/metrics, /payments/metrics, /inventory/metrics), moved by the distinct saga events that
 * crossed NATS, so they agree with the stream. `all` adds process metrics, for /metrics.
 */
export class SagaMetrics {
  readonly orders = new Registry();
  readonly payments = new Registry();
  readonly inventory = new Registry();
  private readonly process = new Registry();
  private readonly byEvent = new Map<EventType, Counter[]>();
  private readonly duration: Histogram<'outcome'>;

  constructor(sources: MetricSources) {
    const counter = (registry: Registry, name: string, help: string, events: EventType[]) => {
      const c = new Counter({ name, help, registers: [registry] });
      for (const e of events) this.byEvent.set(e, [...(this.byEvent.get(e) ?? []), c]);
    };
    counter(this.orders, 'orders_created_total', 'Orders created (order.created.v1)', ['order.created.v1']);
    counter(this.orders, 'orders_confirmed_total', 'Orders confirmed (order.confirmed.v1)', ['order.confirmed.v1']);
    counter(this.orders, 'orders_cancelled_total', 'Orders cancelled by a failed payment or stock (order.cancelled.v1)', ['order.cancelled.v1']);
    counter(this.orders, 'orders_failed_total', 'Orders failed by the saga timeout (order.failed.v1)', ['order.failed.v1']);
    counter(this.payments, 'payments_processed_total', 'Payments processed, whatever the result', ['payment.confirmed.v1', 'payment.failed.v1']);
    counter(this.payments, 'payments_success_total', 'Payments confirmed (payment.confirmed.v1)', ['payment.confirmed.v1']);
    counter(this.payments, 'payments_failed_total', 'Payments declined (payment.failed.v1)', ['payment.failed.v1']);
    counter(this.payments, 'payments_refunded_total', 'Payments refunded by compensation (payment.refunded.v1)', ['payment.refunded.v1']);
    counter(this.inventory, 'inventory_reservations_total', 'Stock reservations made (inventory.reserved.v1)', ['inventory.reserved.v1']);
    counter(this.inventory, 'inventory_failures_total', 'Stock reservations refused (inventory.failed.v1)', ['inventory.failed.v1']);
    counter(this.inventory, 'inventory_releases_total', 'Reservations released by compensation (inventory.released.v1)', ['inventory.released.v1']);
    this.duration = new Histogram({ name: 'saga_duration_seconds', help: 'Saga duration from the API accepting the order to its terminal event', labelNames: ['outcome'], buckets: DURATION_BUCKETS, registers: [this.orders] });
    readCounter(this.orders, 'saga_dead_letters_total', 'Messages dead-lettered (undecodable, or given up after max deliveries)', sources.deadLetters);
    readCounter(this.orders, 'orders_redeliveries_total', 'Messages redelivered to the order service', () => sources.redeliveries('order'));
    readCounter(this.payments, 'payments_redeliveries_total', 'Messages redelivered to the payment service', () => sources.redeliveries('payment'));
    readCounter(this.inventory, 'inventory_redeliveries_total', 'Messages redelivered to the inventory service', () => sources.redeliveries('inventory'));
    collectDefaultMetrics({ register: this.process });
    // Gauges named like counters: promtool check metrics rejects them.
    for (const name of LINT_FAILING_DEFAULTS) this.process.removeSingleMetric(name);
  }

  /** One distinct event seen on NATS; `sagaSeconds` with a terminal event of an order the API placed. */
  event(type: EventType, sagaSeconds?: number): void {
    for (const c of this.byEvent.get(type) ?? []) c.inc();
    if (sagaSeconds !== undefined) this.duration.observe({ outcome: outcomeOf(type) }, sagaSeconds);
  }

  /** Everything, with process metrics: /metrics. */
  all(): Promise<string> {
    return Registry.merge([this.orders, this.payments, this.inventory, this.process]).metrics();
  }
}

function outcomeOf(type: EventType): string {
  return type === 'order.confirmed.v1' ? 'confirmed' : type === 'order.cancelled.v1' ? 'cancelled' : 'failed';
}

/** A counter whose value is read from elsewhere on each scrape (it only ever grows). */
function readCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let last = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value > last) this.inc(value - last);
      last = Math.max(last, value);
    },
  });
}
