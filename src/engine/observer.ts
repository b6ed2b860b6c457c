import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { DEAD_LETTER_KIND } from '../broker/max-deliveries.js';
import { PULL_EXPIRES_MS, PULL_HEARTBEAT_MS } from '../broker/pulls.js';
import { DESIGN_NAMES, type RunNames } from '../broker/names.js';
import { decodeEvent } from '../events/codec.js';
import { isTerminalType, type EventType } from '../events/subjects.js';
import { TraceBook } from '../verify/trace.js';
import { now } from './clock.js';

export interface TerminalSeen {
  orderId: string;
  type: EventType;
  reason?: string;
  /** Epoch ms (sub-millisecond, from the same clock as intended send times) at which the observer received it. */
  at: number;
}

/** What the observer needs of an event. */
export interface ObservedEvent {
  orderId: string;
  type: EventType;
  eventId: string;
  /** Why an order was cancelled (order.cancelled.v1). */
  reason?: string;
}

/**
 * Reads the event stream in order through its own ordered consumer, independent of the
 * services: the report's counts are what this saw cross NATS, not what services say they did.
 */
export class StreamObserver {
  readonly book: TraceBook;
  deadLetters = 0;
  /** Dead letters of messages a consumer gave up on after max_deliver deliveries. */
  exhausted = 0;
  invalid = 0;
  /** Valid events about orders this run did not place (another client's, or a previous run's): counted, not judged. */
  foreign = 0;
  private readonly iterators: ConsumerMessages[] = [];
  private readonly subscriptions: Subscription[] = [];
  private names: RunNames = DESIGN_NAMES;

  /**
   * `watch`: orders whose full event sequence is kept (scripted orders with expectations).
   * `ours`: whether an order is this run's; others' events are counted as foreign and change nothing.
   */
  constructor(
    private readonly onEvent: (seen: TerminalSeen, terminal: boolean) => void,
    watch: ReadonlySet<string> = new Set(),
    private readonly ours: (orderId: string) => boolean = () => true,
  ) {
    this.book = new TraceBook(watch);
  }

  /** Core delivery has no stream to read: the observer subscribes like any other client, at most once. */
  async startCore(nc: NatsConnection, names: RunNames): Promise<void> {
    this.names = names;
    for (const subject of names.eventSubjects) {
      this.subscriptions.push(nc.subscribe(subject, { callback: (_error, msg) => this.receive(msg.data, msg.subject) }));
    }
    this.subscriptions.push(
      nc.subscribe(`${names.deadLetterRoot}.>`, {
        callback: () => {
          this.deadLetters++;
        },
      }),
    );
    await nc.flush();
  }

  /** `fromNow`: only events published from here on (a stream that services running elsewhere already use). */
  async start(nc: NatsConnection, names: RunNames, fromNow = false): Promise<void> {
    this.names = names;
    const js = jetstream(nc);
    // Pulls as the services' (broker/pulls.ts): a lost pull or a broker restart is noticed within
    // about 2 s, and the ordered consumer recreated.
    // A callback rather than the iterator: a socket read's messages are handled in one pass, with
    // no promise per message.
    const pulls = { expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS };
    const from = fromNow ? { deliver_policy: DeliverPolicy.New } : {};
    const events = await (await js.consumers.get(names.eventsStream, from)).consume({ ...pulls, callback: (m) => this.receive(m.data, m.subject) });
    const dead = await (await js.consumers.get(names.deadLetterStream, from)).consume(pulls);
    this.iterators.push(events, dead);
    void (async () => {
      for await (const m of dead) {
        this.deadLetters++;
        if (m.headers?.get('Saga-Sim-Kind') === DEAD_LETTER_KIND.exhausted) this.exhausted++;
      }
    })();
  }

  private receive(data: Uint8Array, subject: string): void {
    let event;
    try {
      event = decodeEvent(data, this.names.typeOf(subject));
    } catch {
      this.invalid++;
      return;
    }
    this.accept({ orderId: event.orderId, type: event.type, eventId: event.eventId, reason: event.type === 'order.cancelled.v1' ? event.payload.reason : undefined });
  }

  /** One event, however it was read (saga-sim's own, or a target's through its mapping). */
  accept(event: ObservedEvent): void {
    if (!this.ours(event.orderId)) {
      this.foreign++;
      return;
    }
    if (!this.book.record(event)) return;
    this.onEvent({ orderId: event.orderId, type: event.type, reason: event.reason, at: now() }, isTerminalType(event.type));
  }

  async stop(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
    await Promise.all(this.iterators.map((it) => it.close().catch(() => undefined)));
  }
}
