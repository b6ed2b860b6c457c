import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { StreamObserver } from '../engine/observer.js';
import type { EventMapping, MappedEvent } from './mapping.js';

/**
 * How long an event may wait for its order's POST to answer: the target can publish
 * order.created before its HTTP response leaves. Unclaimed after this, it is foreign.
 */
export const CLAIM_GRACE_MS = 10_000;
/** Events waiting for a claim, at most; past it they count as foreign at once. */
const MAX_WAITING = 200_000;

/**
 * The run's view of a target's NATS: core subscriptions on the mapped subjects (which also see
 * JetStream publishes), each message read by the mapping and handed to the observer once the
 * order it names is known to be this run's.
 */
export class TargetIntake {
  private readonly waiting = new Map<string, { events: MappedEvent[]; since: number }>();
  private waitingEvents = 0;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly mapping: EventMapping,
    private readonly observer: StreamObserver,
    /** Whether this run placed the order (its POST answered with this id). */
    private readonly placed: (orderId: string) => boolean,
    /** Called after each event of this run's handed on. */
    private readonly onDelivered: (event: MappedEvent) => void,
  ) {}

  async start(nc: NatsConnection): Promise<void> {
    for (const subject of this.mapping.subjects) {
      this.subscriptions.push(nc.subscribe(subject, { callback: (_e, msg) => this.receive(msg.subject, msg.data) }));
    }
    await nc.flush();
  }

  private receive(subject: string, data: Uint8Array): void {
    const event = this.mapping.read(subject, data);
    if ('invalid' in event) {
      this.observer.invalid++;
      return;
    }
    if (this.placed(event.orderId)) return this.deliver(event);
    if (this.waitingEvents >= MAX_WAITING) {
      this.observer.foreign++;
      return;
    }
    const entry = this.waiting.get(event.orderId) ?? { events: [], since: performance.now() };
    entry.events.push(event);
    this.waiting.set(event.orderId, entry);
    this.waitingEvents++;
  }

  /** The target answered a POST with this id: what it already published about it is this run's. */
  claim(orderId: string): void {
    const entry = this.waiting.get(orderId);
    if (!entry) return;
    this.waiting.delete(orderId);
    this.waitingEvents -= entry.events.length;
    for (const event of entry.events) this.deliver(event);
  }

  /** Events no POST claimed within the grace (or at all, with `all`) are foreign. */
  sweep(all = false): void {
    const due = performance.now() - CLAIM_GRACE_MS;
    for (const [orderId, entry] of this.waiting) {
      if (!all && entry.since > due) continue;
      this.observer.foreign += entry.events.length;
      this.waitingEvents -= entry.events.length;
      this.waiting.delete(orderId);
    }
  }

  private deliver(event: MappedEvent): void {
    // A target's words for why are its own; the report's reasons come from the failures seen.
    this.observer.accept(event.type === 'order.cancelled.v1' ? { ...event, reason: this.reasonOf(event.orderId) } : event);
    this.onDelivered(event);
  }

  private reasonOf(orderId: string): string | undefined {
    const counts = this.observer.book.orders.get(orderId)?.counts ?? {};
    const payment = (counts['payment.failed.v1'] ?? 0) > 0;
    const stock = (counts['inventory.failed.v1'] ?? 0) > 0;
    return payment && stock ? 'payment_and_stock' : payment ? 'payment_failed' : stock ? 'out_of_stock' : undefined;
  }

  stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
