import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectBroker } from '../broker/connection.js';
import { ReplyMux } from '../broker/reply-mux.js';
import { publishToStream } from '../broker/stream-publish.js';
import { now } from '../engine/clock.js';

/** What the raw broker does on this server with this client: the yardstick for saga throughput. */
export interface Baseline {
  /** Core NATS, one publisher connection to one subscriber connection, as fast as the subscriber receives. */
  coreMsgsPerSecond: number;
  /**
   * JetStream publishes acknowledged per second, publishing asynchronously in windows, through the
   * publish path the services use (ReplyMux): the yardstick is the broker, not a slower client path.
   */
  jetstreamPublishesPerSecond: number;
  payloadBytes: number;
  seconds: number;
}

export const DEFAULT_BASELINE_SECONDS = 3;
/** About the size of a saga event. */
const PAYLOAD_BYTES = 350;
/** JetStream publishes in flight at once. */
const JS_WINDOW = 256;
const BASELINE_STREAM = 'SAGA_SIM_BASELINE';

export async function measureBaseline(url: string, seconds = DEFAULT_BASELINE_SECONDS): Promise<Baseline> {
  const payload = new TextEncoder().encode(JSON.stringify({ payload: 'x'.repeat(PAYLOAD_BYTES - 14) }));
  const pub = await connectBroker(url, 'saga-sim-baseline-pub');
  const sub = await connectBroker(url, 'saga-sim-baseline-sub');
  try {
    const coreMsgsPerSecond = await coreRate(pub, sub, payload, seconds);
    const jetstreamPublishesPerSecond = await jetstreamRate(pub, payload, seconds);
    return { coreMsgsPerSecond, jetstreamPublishesPerSecond, payloadBytes: payload.byteLength, seconds };
  } finally {
    await Promise.all([pub.close(), sub.close()]);
  }
}

async function coreRate(pub: NatsConnection, sub: NatsConnection, payload: Uint8Array, seconds: number): Promise<number> {
  let received = 0;
  const subscription = sub.subscribe('saga-sim.baseline.core', {
    callback: () => {
      received++;
    },
  });
  await sub.flush();
  const start = now();
  const end = start + seconds * 1000;
  while (now() < end) {
    for (let i = 0; i < 1000; i++) pub.publish('saga-sim.baseline.core', payload);
    // Flushing per thousand keeps the publisher from running ahead of what the server takes.
    await pub.flush();
  }
  await pub.flush();
  await sub.flush();
  const rate = received / ((now() - start) / 1000);
  subscription.unsubscribe();
  return Math.round(rate);
}

async function jetstreamRate(nc: NatsConnection, payload: Uint8Array, seconds: number): Promise<number> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: BASELINE_STREAM, subjects: ['saga-sim.baseline.js'] });
  try {
    const mux = new ReplyMux(nc);
    let acked = 0;
    const start = now();
    const end = start + seconds * 1000;
    while (now() < end) {
      const window = Array.from({ length: JS_WINDOW }, () => publishToStream(mux, 'saga-sim.baseline.js', payload));
      await Promise.all(window);
      acked += window.length;
    }
    mux.close();
    return Math.round(acked / ((now() - start) / 1000));
  } finally {
    await jsm.streams.delete(BASELINE_STREAM).catch(() => undefined);
  }
}

/** Saga messages per second: every event on the event stream over the run's span. */
export function sagaMessagesPerSecond(events: Record<string, number>, sagasPerSecond: number, sagas: number): number {
  const total = Object.values(events).reduce((a, b) => a + b, 0);
  return sagas === 0 ? 0 : Math.round((total / sagas) * sagasPerSecond);
}
