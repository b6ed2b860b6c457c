import { headers } from '@nats-io/transport-node';
import { DEAD_LETTER_KIND } from '../../broker/max-deliveries.js';
import type { RunNames } from '../../broker/names.js';
import type { ServiceName } from '../service.js';
import type { Delivery, Transport } from '../transport.js';

/** Redelivery delay after a failed publish or store. */
export const NAK_DELAY_MS = 1000;
const WORKING_INTERVAL_MS = 2000;
/** Dead-lettered bodies are cut here; the reason and original subject travel in headers. */
const MAX_DEAD_LETTER_BODY = 512 * 1024;

/**
 * Holds a reply `delayMs` (an injected latency), telling the broker the message is still being
 * worked on so a hold longer than the ack wait is not mistaken for a lost worker.
 */
export function hold(m: Delivery, delayMs: number, then: () => void): void {
  const heartbeat = setInterval(() => m.working(), WORKING_INTERVAL_MS);
  setTimeout(() => {
    clearInterval(heartbeat);
    then();
  }, delayMs);
}

/**
 * A consumer that can stall (the slow fault): while paused, deliveries wait unhandled and
 * unacknowledged, so the broker redelivers them after the ack wait as it would to a stuck client.
 */
export function pausable(handle: (m: Delivery) => void): { receive: (m: Delivery) => void; pause: (ms: number) => void } {
  let waiting: Delivery[] | undefined;
  return {
    receive: (m) => (waiting ? waiting.push(m) : handle(m)),
    pause(ms) {
      if (waiting) return;
      waiting = [];
      setTimeout(() => {
        const held = waiting ?? [];
        waiting = undefined;
        for (const m of held) handle(m);
      }, ms);
    },
  };
}

/** Stores an undecodable message on the service's dead-letter subject, with why in its headers. */
export function deadLetterer(transport: Transport, names: RunNames, service: ServiceName): (m: Delivery, reason: string) => Promise<void> {
  return async (m, reason) => {
    const h = headers();
    h.set('Saga-Sim-Kind', DEAD_LETTER_KIND.invalid);
    h.set('Saga-Sim-Reason', reason.slice(0, 500));
    h.set('Saga-Sim-Subject', m.subject);
    h.set('Saga-Sim-Service', service);
    const body = m.data.byteLength > MAX_DEAD_LETTER_BODY ? m.data.subarray(0, MAX_DEAD_LETTER_BODY) : m.data;
    await transport.sendWithHeaders(names.deadLetterSubject(service), body, h);
  };
}
