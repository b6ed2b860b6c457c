import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ReplyMux } from '../broker/reply-mux.js';
import { PULL_EXPIRES_MS, PULL_HEARTBEAT_MS } from '../broker/pulls.js';
import { publishToStream } from '../broker/stream-publish.js';
import type { RunNames } from '../broker/names.js';
import { limiter, withSlot } from './limiter.js';
import type { EventType } from '../events/subjects.js';
import type { Send } from './publisher.js';

/** One delivered message, whatever the transport. Core messages ignore ack, nak and working: at most once. */
export interface Delivery {
  subject: string;
  data: Uint8Array;
  /** The broker delivered this message before (JetStream only). */
  redelivered: boolean;
  ack(): void;
  nak(delayMs?: number): void;
  /** Tells the broker the message is still being worked on, so its ack timer restarts. */
  working(): void;
}

/** How a service worker receives and sends: JetStream (durable) or core NATS (at most once). */
export interface Transport {
  send: Send;
  sendWithHeaders(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<void>;
  /** Starts delivering to `onMessage`; resolves once it is receiving. */
  start(onMessage: (delivery: Delivery) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Stream publishes a worker has awaiting their PubAck at once; the rest wait in line, placed orders
 * behind the events of sagas under way. Unbounded, an order worker offered three times what the
 * broker takes had tens of thousands of publishes out: PubAcks came after the reply timeout, 70,000
 * retries followed, sagas timed out, and the run collapsed to a few hundred sagas a second.
 */
export const MAX_PUBLISHES_IN_FLIGHT = 256;

/**
 * The service's durable consumers, explicit ack; publishes wait for the PubAck and carry a
 * Nats-Msg-Id. Publishes and confirmed acks go through one reply subscription (ReplyMux).
 */
export function jetstreamTransport(nc: NatsConnection, names: RunNames, consumers: readonly string[], doubleAck: boolean, onAckFailure: () => void): Transport {
  const js = jetstream(nc);
  const mux = new ReplyMux(nc);
  const iterators: ConsumerMessages[] = [];
  const slots = limiter(MAX_PUBLISHES_IN_FLIGHT);
  return {
    send: (subject, data, msgID, deferred) =>
      withSlot(slots, async () => !(await publishToStream(mux, subject, data, { msgID })).duplicate, deferred),
    sendWithHeaders: (subject, data, headers) =>
      withSlot(slots, async () => {
        await publishToStream(mux, subject, data, { headers });
      }),
    async start(onMessage) {
      // Every lookup (a request) before any consume: a failed one leaves nothing started, so the
      // worker can retry start while the broker restarts.
      const found = await Promise.all(consumers.map((name) => js.consumers.get(names.eventsStream, name)));
      for (const consumer of found) {
        const deliver = delivery(doubleAck ? mux : undefined, onAckFailure);
        const iterator = await consumer.consume({
          max_messages: 1024,
          expires: PULL_EXPIRES_MS,
          idle_heartbeat: PULL_HEARTBEAT_MS,
          // On missed heartbeats, renew the pull at once. Without bind the client first asks for the
          // consumer's info, and if that request times out (a saturated worker) it waits a whole
          // `expires`, 30 s, before it tries again, taking nothing meanwhile.
          bind: true,
          // A callback, not the async iterator: every message of a socket read is handled in one
          // synchronous pass, so their acks and publishes leave in one socket write instead of one
          // write each (the iterator's microtask per message let the client flush between them).
          callback: (m) => onMessage(deliver(m)),
        });
        iterators.push(iterator);
      }
    },
    close: async () => {
      await Promise.all(iterators.map((i) => i.close()));
      mux.close();
    },
  };
}

/** The body of an ack; a reply to it (to a confirmed ack) means the server applied it. */
const ACK = new TextEncoder().encode('+ACK');

/** `confirm`: double acks, sent with a reply subject through this mux. */
function delivery(confirm: ReplyMux | undefined, onAckFailure: () => void): (m: JsMsg) => Delivery {
  return (m) => ({
    subject: m.subject,
    data: m.data,
    redelivered: m.info.redelivered,
    // Double ack: the server confirms it. An unconfirmed ack means the message comes again,
    // which the services handle idempotently; it is counted, not retried.
    ack: () => {
      if (!confirm) return m.ack();
      // The ack subject is public on the client's message class but not in its JsMsg type;
      // without it, the client's own (slower) confirmed ack does the same.
      const reply = (m as Partial<{ reply: string }>).reply;
      if (reply) confirm.request(reply, ACK).then(undefined, onAckFailure);
      else m.ackAck().then((ok) => ok || onAckFailure(), onAckFailure);
    },
    nak: (delayMs) => m.nak(delayMs),
    working: () => m.working(),
  });
}

/**
 * Core NATS: a queue-group subscription per subject the service handles, plain publishes. Nothing
 * is stored or redelivered; this mode exists to show what durability costs and what it saves.
 */
export function coreTransport(nc: NatsConnection, names: RunNames, service: string, types: readonly EventType[]): Transport {
  const subscriptions: Subscription[] = [];
  return {
    send: async (subject, data) => {
      nc.publish(subject, data);
      return true;
    },
    sendWithHeaders: async (subject, data, headers) => {
      nc.publish(subject, data, { headers });
    },
    async start(onMessage) {
      for (const type of types) {
        subscriptions.push(
          nc.subscribe(names.subject(type), {
            queue: names.durable(service),
            callback: (_error, msg) => onMessage({ subject: msg.subject, data: msg.data, redelivered: false, ack: noop, nak: noop, working: noop }),
          }),
        );
      }
      try {
        await nc.flush();
      } catch (error) {
        // Nothing half started: a retried start subscribes afresh.
        for (const s of subscriptions.splice(0)) s.unsubscribe();
        throw error;
      }
    },
    close: async () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

const noop = () => undefined;
