import { encodeEvent } from '../events/codec.js';
import type { SagaEvent } from '../events/schema.js';
import { messageId } from '../events/subjects.js';
import { stamp, type Outgoing } from './outgoing.js';
import type { WorkerStats } from './protocol.js';

/**
 * Attempts per event, with doubling waits capped at RETRY_MAX_MS: about 10 s in all, enough to ride
 * out a broker restart. Retrying is safe: the Nats-Msg-Id makes the server drop a second copy.
 */
export const PUBLISH_ATTEMPTS = 8;
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2000;

export type Publish = (events: readonly Outgoing[]) => Promise<void>;

/** Puts one message on the wire: a JetStream publish that resolves on the PubAck, or a core publish. */
export type Send = (subject: string, data: Uint8Array, msgID: string) => Promise<void>;

export interface PublisherFaults {
  /** Share of events published a second time under a new message id, so JetStream keeps both. */
  duplicateShare: number;
  random: () => number;
}

export function createPublisher(send: Send, stats: WorkerStats, faults?: PublisherFaults): Publish {
  const publishOne = async (out: Outgoing) => {
    const event = stamp(out, new Date().toISOString()) as SagaEvent;
    const data = encodeEvent(event);
    const msgID = messageId(out.orderId, out.type);
    for (let attempt = 1; ; attempt++) {
      try {
        await send(out.type, data, msgID);
        stats.published++;
        if (faults && faults.duplicateShare > 0 && faults.random() < faults.duplicateShare) {
          await send(out.type, data, `${msgID}:duplicate`);
          stats.duplicatesSent++;
        }
        return;
      } catch (cause) {
        if (attempt >= PUBLISH_ATTEMPTS) {
          stats.publishFailures++;
          throw cause;
        }
        stats.publishRetries++;
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1))));
      }
    }
  };
  return async (events) => {
    if (events.length === 1) return publishOne(events[0] as Outgoing);
    await Promise.all(events.map(publishOne));
  };
}
