import type { CancelReason } from '../events/schema.js';
import { createHistogram, recordMs } from '../metrics/histogram.js';
import type { TerminalSeen } from './observer.js';

/**
 * Turns terminal events seen on NATS into outcome counts and latencies. Send times are kept only
 * while a saga is in flight, so memory follows the number in flight, not the run's length.
 */
export class OutcomeTracker {
  readonly corrected = createHistogram();
  readonly uncorrected = createHistogram();
  readonly counts = { confirmed: 0, cancelled: 0, failed: 0 };
  readonly reasons: Record<CancelReason, number> = { payment_failed: 0, out_of_stock: 0, payment_and_stock: 0 };
  readonly finished = new Set<string>();
  lastTerminalAt = 0;
  private readonly sendTimes = new Map<string, { intendedAt: number; sentAt: number }>();

  sent(orderId: string, intendedAt: number, sentAt: number): void {
    this.sendTimes.set(orderId, { intendedAt, sentAt });
  }

  terminal(seen: TerminalSeen): void {
    if (seen.type === 'order.confirmed.v1') this.counts.confirmed++;
    else if (seen.type === 'order.cancelled.v1') {
      this.counts.cancelled++;
      if (seen.reason) this.reasons[seen.reason as CancelReason]++;
    } else this.counts.failed++;
    this.finished.add(seen.orderId);
    this.lastTerminalAt = seen.at;
    const times = this.sendTimes.get(seen.orderId);
    if (times) {
      recordMs(this.corrected, seen.at - times.intendedAt);
      recordMs(this.uncorrected, seen.at - times.sentAt);
      this.sendTimes.delete(seen.orderId);
    }
  }
}
