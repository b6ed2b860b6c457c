import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { EVENTS_STREAM } from '../broker/streams.js';
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

/** How long a pull request waits on the server before the client renews it. */
export const PULL_EXPIRES_MS = 5000;

/** The service's durable consumers, explicit ack; publishes wait for the PubAck and carry a Nats-Msg-Id. */
export function jetstreamTransport(nc: NatsConnection, consumers: readonly string[], doubleAck: boolean, onAckFailure: () => void): Transport {
  const js = jetstream(nc);
  const iterators: ConsumerMessages[] = [];
  return {
    send: async (subject, data, msgID) => {
      await js.publish(subject, data, { msgID });
    },
    sendWithHeaders: async (subject, data, headers) => {
      await js.publish(subject, data, { headers });
    },
    async start(onMessage) {
      for (const name of consumers) {
        const consumer = await js.consumers.get(EVENTS_STREAM, name);
        // A pull lives on the server: if the server restarts, the client notices only when the pull
        // expires (30 s by default). 5 s bounds the stall after a broker restart at a few idle pulls.
        // A callback, not the async iterator: every message of a socket read is handled in one
        // synchronous pass, so their acks and publishes leave in one socket write instead of one
        // write each (the iterator's microtask per message let the client flush between them).
        const deliver = delivery(doubleAck, onAckFailure);
        const iterator = await consumer.consume({
          max_messages: 1024,
          expires: PULL_EXPIRES_MS,
          callback: (m) => onMessage(deliver(m)),
        });
        iterators.push(iterator);
      }
    },
    close: async () => {
      await Promise.all(iterators.map((i) => i.close()));
    },
  };
}

function delivery(doubleAck: boolean, onAckFailure: () => void): (m: JsMsg) => Delivery {
  return (m) => ({
    subject: m.subject,
    data: m.data,
    redelivered: m.info.redelivered,
    // Double ack: the server confirms it. An unconfirmed ack means the message comes again,
    // which the services handle idempotently; it is counted, not retried.
    ack: () => {
      if (doubleAck) m.ackAck().then((ok) => ok || onAckFailure(), onAckFailure);
      else m.ack();
    },
    nak: (delayMs) => m.nak(delayMs),
    working: () => m.working(),
  });
}

/**
 * Core NATS: a queue-group subscription per subject the service handles, plain publishes. Nothing
 * is stored or redelivered; this mode exists to show what durability costs and what it saves.
 */
export function coreTransport(nc: NatsConnection, service: string, subjects: readonly EventType[]): Transport {
  const subscriptions: Subscription[] = [];
  return {
    send: async (subject, data) => {
      nc.publish(subject, data);
    },
    sendWithHeaders: async (subject, data, headers) => {
      nc.publish(subject, data, { headers });
    },
    async start(onMessage) {
      for (const subject of subjects) {
        subscriptions.push(
          nc.subscribe(subject, {
            queue: `saga-sim-${service}`,
            callback: (_error, msg) => onMessage({ subject: msg.subject, data: msg.data, redelivered: false, ack: noop, nak: noop, working: noop }),
          }),
        );
      }
      await nc.flush();
    },
    close: async () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

const noop = () => undefined;
