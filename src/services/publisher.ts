import { encodeEvent } from '../events/codec.js';
import type { SagaEvent } from '../events/schema.js';
import { messageId } from '../events/subjects.js';
import { stamp, type Outgoing } from './outgoing.js';
import type { WorkerStats } from './protocol.js';
import { withRetries } from './retry.js';

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
    try {
      await withRetries(() => send(out.type, data, msgID), { onRetry: () => stats.publishRetries++ });
    } catch (cause) {
      stats.publishFailures++;
      throw cause;
    }
    stats.published++;
    if (faults && faults.duplicateShare > 0 && faults.random() < faults.duplicateShare) {
      // The injected copy is retried like the original, but losing it fails nothing: the event is out.
      await withRetries(() => send(out.type, data, `${msgID}:duplicate`)).then(
        () => stats.duplicatesSent++,
        () => undefined,
      );
    }
  };
  return async (events) => {
    if (events.length === 1) return publishOne(events[0] as Outgoing);
    await Promise.all(events.map(publishOne));
  };
}
