/**
 * Entry of a service worker thread: one NATS connection, one transport (a durable JetStream
 * consumer, or core queue subscriptions), and the service's pure logic in between. Fails fast
 * when loaded outside a worker.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { headers } from '@nats-io/transport-node';
import { connectBroker } from '../broker/connection.js';
import { decodeEvent } from '../events/codec.js';
import { deadLetterSubject } from '../events/subjects.js';
import { createService } from './create-service.js';
import { emptyStats, unreachable, WorkerConfigSchema, type FromWorker, type ToWorker } from './protocol.js';
import { createPublisher } from './publisher.js';
import { SERVICE_NAMES } from './service.js';
import { mulberry32 } from '../load/random.js';
import { coreTransport, jetstreamTransport, type Delivery } from './transport.js';

if (isMainThread || !parentPort) throw new Error('worker-main must run in a worker thread (it is started by the run engine)');
const port: MessagePort = parentPort;
const send = (msg: FromWorker) => port.postMessage(msg);

/** Dead-lettered bodies are cut here; the reason and original subject travel in headers. */
const MAX_DEAD_LETTER_BODY = 512 * 1024;

async function main(): Promise<void> {
  const config = WorkerConfigSchema.parse(workerData);
  const service = createService(config);
  const accepts = new Set<string>(service.consumes);
  const stats = emptyStats();
  const nc = await connectBroker(config.natsUrl, `saga-sim-${config.service}`);
  const transport = config.delivery === 'core' ? coreTransport(nc, config.service, service.consumes) : jetstreamTransport(nc, config.service);
  // Seeded per service, so a seed reproduces which events the duplicate fault repeats (up to timing).
  const publish = createPublisher(transport.send, stats, {
    duplicateShare: config.duplicateShare,
    random: mulberry32(config.payment.seed * 31 + SERVICE_NAMES.indexOf(config.service)),
  });

  const deadLetter = async (m: Delivery, reason: string) => {
    stats.deadLetters++;
    const h = headers();
    h.set('Saga-Sim-Reason', reason.slice(0, 500));
    h.set('Saga-Sim-Subject', m.subject);
    h.set('Saga-Sim-Service', config.service);
    const body = m.data.byteLength > MAX_DEAD_LETTER_BODY ? m.data.subarray(0, MAX_DEAD_LETTER_BODY) : m.data;
    await transport.sendWithHeaders(deadLetterSubject(config.service), body, h);
  };

  const onMessage = (m: Delivery) => {
    // On servers before 2.10 the consumer carries every event. A valid event's subject is its type,
    // so others are acked unread; the services that do handle them validate and dead-letter them.
    if (!config.filtered && !accepts.has(m.subject)) {
      stats.ignored++;
      m.ack();
      return;
    }
    let event;
    try {
      event = decodeEvent(m.data, m.subject);
    } catch (error) {
      // Acked only once the dead letter is stored, so a bad message is never silently lost.
      deadLetter(m, (error as Error).message).then(() => m.ack(), () => m.nak(1000));
      return;
    }
    if (!accepts.has(event.type)) {
      stats.ignored++;
      m.ack();
      return;
    }
    stats.handled++;
    const out = service.handle(event);
    if (out.length === 0) return m.ack();
    const delay = config.delayMs[event.orderId] ?? config.defaultDelayMs;
    const send = () => publish(out).then(() => m.ack(), () => m.nak(1000));
    // A delay holds only the reply; the state change above is already made.
    if (delay) setTimeout(send, delay);
    else void send();
  };

  const timer = setInterval(() => send({ type: 'stats', stats: { ...stats } }), config.statsIntervalMs);
  // Timeouts are checked often enough to fire within a tenth of the timeout (and at least every 250 ms).
  const ticker = service.tick
    ? setInterval(() => {
        const out = service.tick?.(Date.now()) ?? [];
        if (out.length > 0) publish(out).catch((error: Error) => send({ type: 'fatal', message: `cannot publish a timeout: ${error.message}` }));
      }, Math.min(250, Math.max(10, config.sagaTimeoutMs / 10)))
    : undefined;

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'place-orders': {
        for (const cmd of msg.orders) {
          const out = service.place?.(cmd, Date.now()) ?? [];
          publish(out).catch((error: Error) => send({ type: 'fatal', message: `cannot publish order ${cmd.orderId}: ${error.message}` }));
        }
        return;
      }
      case 'snapshot':
        send({ type: 'snapshot', snapshot: service.snapshot() });
        return;
      case 'stall': {
        // Deliberately blocks the event loop: no message is handled, acked or published meanwhile.
        const until = Date.now() + msg.ms;
        while (Date.now() < until) {
          // spin
        }
        return;
      }
      case 'stop':
        clearInterval(timer);
        clearInterval(ticker);
        void transport
          .close()
          .then(() => nc.drain())
          .finally(() => {
            send({ type: 'stopped', stats: { ...stats } });
            port.close();
          });
        return;
      default:
        unreachable(msg);
    }
  });
  await transport.start(onMessage);
  send({ type: 'ready' });
}

main().catch((error: Error) => send({ type: 'fatal', message: error.message }));
