import type { CancelReason } from '../events/schema.js';
import { OrderFlags } from '../load/order-flags.js';
import type { EventType } from '../events/subjects.js';
import { createHistogram, encodeHistogram, recordMs, summarize, type LatencySummary } from '../metrics/histogram.js';
import { LogBuckets } from '../metrics/log-buckets.js';
import { TrendRecorder, type LatencyTrend } from '../metrics/latency-trend.js';
import type { TerminalSeen } from './observer.js';

/** One event as the live event tail shows it. */
export interface RecentEvent {
  at: number;
  orderId: string;
  type: EventType;
}

/** Latency ladders of everything the engine measures, in ms. */
export interface LatencyLadders {
  /** From intended send to terminal event (coordinated-omission corrected). */
  corrected: LatencySummary;
  /** From the order's actual entry into the saga (order.created.v1) to terminal event. */
  uncorrected: LatencySummary;
  confirmed: LatencySummary;
  cancelled: LatencySummary;
  /** order.created.v1 → payment decision, → inventory decision, and last decision → compensation. */
  steps: { payment: LatencySummary; inventory: LatencySummary; compensation: LatencySummary };
  /** Counts per log-scale latency bucket, corrected and uncorrected (see metrics/log-buckets.ts). */
  buckets: { corrected: { upToMs: number; count: number }[]; uncorrected: { upToMs: number; count: number }[] };
}

/** Compressed HDR histograms of the confirmed and cancelled sagas' latency and of the steps. */
export type PartHistograms = Record<'confirmed' | 'cancelled' | 'payment' | 'inventory' | 'compensation', string>;

/** Per-saga timestamps, kept only while the saga is in flight. */
interface InFlight {
  intendedAt: number;
  sentAt: number;
  createdAt?: number;
  decidedAt?: number;
}

/** How many recent events are kept for the tail. */
const RECENT_LIMIT = 64;

/**
 * Turns events seen on NATS into outcome counts, latencies and a recent-events tail. State is kept
 * only for sagas in flight, so memory follows the number in flight, not the run's length.
 */
export class OutcomeTracker {
  readonly corrected = createHistogram();
  readonly uncorrected = createHistogram();
  private readonly byOutcome = { confirmed: createHistogram(), cancelled: createHistogram() };
  private readonly steps = { payment: createHistogram(), inventory: createHistogram(), compensation: createHistogram() };
  private readonly trendRecorder = new TrendRecorder();
  private readonly buckets = { corrected: new LogBuckets(), uncorrected: new LogBuckets() };
  readonly counts = { confirmed: 0, cancelled: 0, failed: 0 };
  readonly reasons: Record<CancelReason, number> = { payment_failed: 0, out_of_stock: 0, payment_and_stock: 0 };
  readonly compensations = { inventoryReleased: 0, paymentRefunded: 0 };
  /** Sagas that ended (a bit each, so a long run does not keep a string per saga). */
  readonly finished = new OrderFlags();
  lastTerminalAt = 0;
  private readonly inFlight = new Map<string, InFlight>();
  private recent: RecentEvent[] = [];
  /** Orders intended before this epoch ms are warm-up: counted, but kept out of the latency histograms. */
  recordFrom = 0;
  /** Sagas intended after the warm-up that ended, and when the last of them did: the measured throughput. */
  readonly measured = { finished: 0, lastAt: 0 };

  /** Whether this run placed the order (it is in flight, or it ended). */
  placed(orderId: string): boolean {
    return this.inFlight.has(orderId) || this.finished.has(orderId);
  }

  sent(orderId: string, intendedAt: number, sentAt: number): void {
    this.inFlight.set(orderId, { intendedAt, sentAt });
  }

  /** Every distinct event seen on the stream, in stream order. */
  event(seen: TerminalSeen, terminal: boolean): void {
    this.recent.push({ at: seen.at, orderId: seen.orderId, type: seen.type });
    if (this.recent.length > RECENT_LIMIT * 2) this.recent = this.recent.slice(-RECENT_LIMIT);
    const saga = this.inFlight.get(seen.orderId);
    switch (seen.type) {
      case 'order.created.v1':
        if (saga) saga.createdAt = seen.at;
        break;
      case 'payment.confirmed.v1':
      case 'payment.failed.v1':
        this.decision(saga, this.steps.payment, seen.at);
        break;
      case 'inventory.reserved.v1':
      case 'inventory.failed.v1':
        this.decision(saga, this.steps.inventory, seen.at);
        break;
      case 'inventory.released.v1':
      case 'payment.refunded.v1':
        if (seen.type === 'inventory.released.v1') this.compensations.inventoryReleased++;
        else this.compensations.paymentRefunded++;
        if (saga?.decidedAt !== undefined) recordMs(this.steps.compensation, seen.at - saga.decidedAt);
        break;
      default:
        break;
    }
    if (terminal) this.terminal(seen, saga);
  }

  /** Corrected latency early and late in the load (after the warm-up): level, or climbing with a backlog. */
  trend(): LatencyTrend | null {
    return this.trendRecorder.trend();
  }

  /** The last `limit` events, oldest first. */
  recentEvents(limit = RECENT_LIMIT): RecentEvent[] {
    return this.recent.slice(-limit);
  }

  /** The ladders' histograms other than corrected and uncorrected (in the report already), encoded for merging with another generator's. */
  partHistograms(): PartHistograms {
    const e = encodeHistogram;
    return { confirmed: e(this.byOutcome.confirmed), cancelled: e(this.byOutcome.cancelled), payment: e(this.steps.payment), inventory: e(this.steps.inventory), compensation: e(this.steps.compensation) };
  }

  ladders(): LatencyLadders {
    return {
      corrected: summarize(this.corrected),
      uncorrected: summarize(this.uncorrected),
      confirmed: summarize(this.byOutcome.confirmed),
      cancelled: summarize(this.byOutcome.cancelled),
      steps: {
        payment: summarize(this.steps.payment),
        inventory: summarize(this.steps.inventory),
        compensation: summarize(this.steps.compensation),
      },
      buckets: { corrected: this.buckets.corrected.spread(), uncorrected: this.buckets.uncorrected.spread() },
    };
  }

  private decision(saga: InFlight | undefined, histogram: ReturnType<typeof createHistogram>, at: number): void {
    if (!saga || saga.createdAt === undefined) return;
    recordMs(histogram, at - saga.createdAt);
    saga.decidedAt = Math.max(saga.decidedAt ?? 0, at);
  }

  private terminal(seen: TerminalSeen, saga: InFlight | undefined): void {
    if (seen.type === 'order.confirmed.v1') this.counts.confirmed++;
    else if (seen.type === 'order.cancelled.v1') {
      this.counts.cancelled++;
      if (seen.reason) this.reasons[seen.reason as CancelReason]++;
    } else this.counts.failed++;
    this.finished.add(seen.orderId);
    this.lastTerminalAt = seen.at;
    if (!saga) return;
    this.inFlight.delete(seen.orderId);
    if (saga.intendedAt < this.recordFrom) return;
    this.measured.finished++;
    this.measured.lastAt = Math.max(this.measured.lastAt, seen.at);
    const corrected = seen.at - saga.intendedAt;
    recordMs(this.corrected, corrected);
    this.buckets.corrected.add(corrected);
    this.trendRecorder.record(saga.intendedAt - this.recordFrom, corrected);
    // Uncorrected starts when the order actually entered the saga (order.created.v1 published),
    // as a client that times from a late send would: waiting to get in is not counted.
    const uncorrected = seen.at - (saga.createdAt ?? saga.sentAt);
    recordMs(this.uncorrected, uncorrected);
    this.buckets.uncorrected.add(uncorrected);
    if (seen.type === 'order.confirmed.v1') recordMs(this.byOutcome.confirmed, corrected);
    if (seen.type === 'order.cancelled.v1') recordMs(this.byOutcome.cancelled, corrected);
  }
}
