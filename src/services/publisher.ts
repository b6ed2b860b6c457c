import { encodeEvent } from '../events/codec.js';
import type { SagaEvent } from '../events/schema.js';
import { messageId } from '../events/subjects.js';
import { stamp, type Outgoing } from './outgoing.js';
import type { WorkerStats } from './protocol.js';
import { withRetries } from './retry.js';

export type Publish = (events: readonly Outgoing[]) => Promise<void>;

/**
 * Puts one message on the wire: a JetStream publish that resolves on the PubAck, or a core publish.
 * Resolves false when JetStream dropped it as a repeat of a message id it already holds.
 */
export type Send = (subject: string, data: Uint8Array, msgID: string, deferred?: boolean) => Promise<boolean>;

export interface PublisherFaults {
  /** Share of events published a second time under a new message id, so JetStream keeps both. */
  duplicateShare: number;
  random: () => number;
}

/** `deferred`: new work (a placed order), which waits behind the events of sagas under way. */
export function createPublisher(send: Send, stats: WorkerStats, faults?: PublisherFaults, deferred = false): Publish {
  const publishOne = async (out: Outgoing) => {
    const event = stamp(out, new Date().toISOString()) as SagaEvent;
    const data = encodeEvent(event);
    const msgID = messageId(out.orderId, out.type);
    try {
      await withRetries(() => send(out.type, data, msgID, deferred), { onRetry: () => stats.publishRetries++ });
    } catch (cause) {
      stats.publishFailures++;
      throw cause;
    }
    stats.published++;
    if (faults && faults.duplicateShare > 0 && faults.random() < faults.duplicateShare) {
      // The injected copy is retried like the original, but losing it fails nothing: the event is out.
      // Counted when stored anew. A redelivered message re-emits its events, and a copy the stream
      // already holds is dropped: it never reaches a reader. But a repeat answered to a retry is
      // most likely this publish's own first attempt, stored though its PubAck was lost.
      let attempts = 0;
      const copy = () => (attempts++, send(out.type, data, `${msgID}:duplicate`, deferred));
      await withRetries(copy).then(
        (fresh) => (fresh || attempts > 1) && stats.duplicatesSent++,
        () => undefined,
      );
    }
  };
  return async (events) => {
    if (events.length === 1) return publishOne(events[0] as Outgoing);
    await Promise.all(events.map(publishOne));
  };
}
