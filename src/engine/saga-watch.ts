import type { NatsConnection } from '@nats-io/transport-node';
import type { RunNames } from '../broker/names.js';
import type { Scenario } from '../scenario/schema.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { failedSagaSettled } from '../verify/settled.js';
import { condition } from './clock.js';
import { StreamObserver } from './observer.js';
import { OutcomeTracker } from './outcomes.js';
import type { Settlement } from './settlement.js';
import { UnconfirmedOrders } from './unconfirmed-orders.js';

/**
 * The run's independent view of its sagas, from what crosses NATS: outcomes, latencies, the
 * orders still to confirm, and when every saga has ended and every compensation has come.
 */
export class SagaWatch {
  readonly outcomes = new OutcomeTracker();
  readonly unconfirmed = new UnconfirmedOrders();
  readonly observer: StreamObserver;
  /** Orders placed so far. */
  sent = 0;
  /** Made once the services exist, before any order is placed. */
  settlement: Settlement | undefined;
  /** Every placed saga has ended. */
  readonly ended = condition(() => this.outcomes.finished.size >= this.sent);
  /** ...and every failed one's compensation has crossed NATS. */
  readonly drained = condition(() => this.outcomes.finished.size >= this.sent && this.unsettled.size === 0);
  // FAILED sagas whose compensation has not yet crossed NATS; the drain waits for them too.
  private readonly failed = new Set<string>();
  private readonly unsettled = new Set<string>();

  /** `keep`: orders kept to the end (scripted ones). `onTerminal`: a saga ended, at epoch ms. */
  constructor(
    private readonly scenario: Scenario,
    readonly keep: ReadonlySet<string>,
    onTerminal: (at: number) => void,
  ) {
    this.observer = new StreamObserver((seen, terminal) => {
      this.outcomes.event(seen, terminal);
      this.settlement?.seen(seen.orderId, seen.at);
      if (seen.type === 'order.created.v1') this.unconfirmed.created(seen.orderId);
      if (seen.type === 'order.failed.v1') this.failed.add(seen.orderId);
      if (this.failed.has(seen.orderId)) this.trackCompensation(seen.orderId);
      if (!terminal) return;
      onTerminal(seen.at);
      this.drained.poke();
      this.ended.poke();
    }, keep, (orderId) => this.outcomes.placed(orderId));
  }

  get inFlight(): number {
    return this.sent - this.outcomes.finished.size;
  }

  /** `fromNow`: the stream is shared with services running elsewhere, and only this run's events count. */
  start(nc: NatsConnection, names: RunNames, fromNow = false): Promise<void> {
    return this.scenario.delivery === 'core' ? this.observer.startCore(nc, names) : this.observer.start(nc, names, fromNow);
  }

  stop(): Promise<void> {
    return this.observer.stop();
  }

  /** Orders handed to the order service, with when each was meant to go and when it went. */
  placed(orders: readonly PlaceOrder[], intendedAt: readonly number[], sentAt: number): void {
    orders.forEach((order, i) => {
      this.outcomes.sent(order.orderId, intendedAt[i] as number, sentAt);
      this.unconfirmed.placed(order);
    });
    this.sent += orders.length;
  }

  /** A failed saga was judged and dropped: the drain no longer waits for it. */
  forget(orderId: string): void {
    this.failed.delete(orderId);
  }

  private trackCompensation(orderId: string): void {
    const counts = this.observer.book.orders.get(orderId)?.counts ?? {};
    if (failedSagaSettled(counts, this.scenario.topology, this.scenario.delivery)) this.unsettled.delete(orderId);
    else this.unsettled.add(orderId);
    this.drained.poke();
  }
}
