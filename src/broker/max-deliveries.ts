import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { RunNames } from './names.js';

/** Header values of a dead letter: why it is there. */
export const DEAD_LETTER_KIND = { invalid: 'invalid', exhausted: 'max-deliveries' } as const;

interface Advisory {
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/**
 * Copies every message a service consumer gave up on to that service's dead-letter subject, with
 * the reason in headers. The server only announces it; without this the message would sit in the
 * stream unacknowledged and unreported. An advisory sent while this client is disconnected is
 * missed: the report's service stats still show the redeliveries.
 */
export async function forwardExhausted(nc: NatsConnection, names: RunNames, onError: (error: Error) => void): Promise<Subscription> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const forward = async (advisory: Advisory) => {
    const stored = await jsm.streams.getMessage(names.eventsStream, { seq: advisory.stream_seq });
    if (!stored) return;
    const service = names.serviceOfConsumer(advisory.consumer);
    const h = headers();
    h.set('Saga-Sim-Kind', DEAD_LETTER_KIND.exhausted);
    h.set('Saga-Sim-Reason', `not acknowledged after ${advisory.deliveries} deliveries (max_deliver)`);
    h.set('Saga-Sim-Subject', stored.subject);
    h.set('Saga-Sim-Service', service);
    // One dead letter per (consumer, message), however often the advisory is seen.
    await js.publish(names.deadLetterSubject(service), stored.data, { headers: h, msgID: `exhausted:${advisory.consumer}:${advisory.stream_seq}` });
  };
  return nc.subscribe(names.maxDeliveriesAdvisory, {
    callback: (_error, msg) => {
      let advisory: Advisory;
      try {
        advisory = msg.json<Advisory>();
      } catch {
        return;
      }
      forward(advisory).catch((error: Error) => onError(new Error(`cannot dead-letter stream message ${advisory.stream_seq}: ${error.message}`)));
    },
  });
}
