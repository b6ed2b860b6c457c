/**
 * Entry of a service worker thread: one NATS connection, one transport (a durable JetStream
 * consumer, or core queue subscriptions), and the service's pure logic in between. Fails fast
 * when loaded outside a worker.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { headers } from '@nats-io/transport-node';
import { connectBroker } from '../broker/connection.js';
import { DEAD_LETTER_KIND } from '../broker/max-deliveries.js';
import { decodeEvent } from '../events/codec.js';
import { deadLetterSubject } from '../events/subjects.js';
import { createService } from './create-service.js';
import { emptyStats, unreachable, WorkerConfigSchema, type FromWorker, type ToWorker } from './protocol.js';
import { createPublisher, type Publish } from './publisher.js';
import { withRetries } from './retry.js';
import { SERVICE_NAMES, type Handled } from './service.js';
import { StateConflictError } from './state/kv-store.js';
import type { PlaceOrder } from './order/logic.js';
import { OrderFlags } from '../load/order-flags.js';
import { readThreadCpu } from '../metrics/thread-cpu.js';
import { mulberry32 } from '../load/random.js';
import { sample } from '../load/distribution.js';
import { coreTransport, jetstreamTransport, type Delivery } from './transport.js';

if (isMainThread || !parentPort) throw new Error('worker-main must run in a worker thread (it is started by the run engine)');
const port: MessagePort = parentPort;
// nats.js creates an Error on the completion of every request (RequestOne.cancel rejects its
// already-resolved promise). With stacks, that alone was 14% of a saturated worker's time. A worker
// reports failures by message, never by stack, so it captures none.
Error.stackTraceLimit = 0;
const send = (msg: FromWorker) => port.postMessage(msg);

/** Redelivery delay after a failed publish or store. */
const NAK_DELAY_MS = 1000;

/**
 * Holds a reply `delayMs` (an injected latency), telling the broker the message is still being
 * worked on so a hold longer than the ack wait is not mistaken for a lost worker.
 */
function hold(m: Delivery, delayMs: number, then: () => void): void {
  const heartbeat = setInterval(() => m.working(), WORKING_INTERVAL_MS);
  setTimeout(() => {
    clearInterval(heartbeat);
    then();
  }, delayMs);
}
const WORKING_INTERVAL_MS = 2000;

/**
 * A consumer that can stall (the slow fault): while paused, deliveries wait unhandled and
 * unacknowledged, so the broker redelivers them after the ack wait as it would to a stuck client.
 */
function pausable(handle: (m: Delivery) => void): { receive: (m: Delivery) => void; pause: (ms: number) => void } {
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

/** Dead-lettered bodies are cut here; the reason and original subject travel in headers. */
const MAX_DEAD_LETTER_BODY = 512 * 1024;

async function main(): Promise<void> {
  const config = WorkerConfigSchema.parse(workerData);
  const stats = emptyStats();
  const nc = await startStep('connecting', () => connectBroker(config.natsUrl, `saga-sim-${config.service}`));
  // Loads what a previous worker of this service stored, so a restart resumes where it stopped.
  const service = await startStep('loading its state', () => createService(config, nc, stats));
  const accepts = new Set<string>(service.consumes);
  // Sagas whose records were checked and dropped: anything more about them is a late copy.
  const settled = new OrderFlags();
  for (const id of config.settled) settled.add(id);
  service.release(config.settled);
  const transport =
    config.delivery === 'core'
      ? coreTransport(nc, config.service, service.consumes)
      : jetstreamTransport(nc, config.consumers, config.jetstream.acks === 'double', () => stats.ackFailures++);
  // Seeded per service, so a seed reproduces which messages the faults hit (up to timing).
  const faultRandom = mulberry32(config.payment.seed * 31 + SERVICE_NAMES.indexOf(config.service));
  const faults = { duplicateShare: config.duplicateShare, random: faultRandom };
  const publish = createPublisher(transport.send, stats, faults);
  // A placed order is new work: under overload its event waits behind those of sagas under way.
  const publishNew = createPublisher(transport.send, stats, faults, true);

  const deadLetter = async (m: Delivery, reason: string) => {
    stats.deadLetters++;
    const h = headers();
    h.set('Saga-Sim-Kind', DEAD_LETTER_KIND.invalid);
    h.set('Saga-Sim-Reason', reason.slice(0, 500));
    h.set('Saga-Sim-Subject', m.subject);
    h.set('Saga-Sim-Service', config.service);
    const body = m.data.byteLength > MAX_DEAD_LETTER_BODY ? m.data.subarray(0, MAX_DEAD_LETTER_BODY) : m.data;
    await transport.sendWithHeaders(deadLetterSubject(config.service), body, h);
  };

  const onMessage = (m: Delivery) => {
    let event;
    try {
      event = decodeEvent(m.data, m.subject);
    } catch (error) {
      // Acked only once the dead letter is stored, so a bad message is never silently lost.
      deadLetter(m, (error as Error).message).then(() => m.ack(), () => m.nak(NAK_DELAY_MS));
      return;
    }
    if (!accepts.has(event.type)) {
      stats.ignored++;
      m.ack();
      return;
    }
    if (settled.has(event.orderId)) {
      stats.afterSettle++;
      m.ack();
      return;
    }
    if (m.redelivered) stats.redelivered++;
    if (config.dropShare > 0 && faultRandom() < config.dropShare) {
      // The drop fault: as if the message never arrived. JetStream redelivers it after the ack wait.
      stats.dropped++;
      return;
    }
    stats.handled++;
    const { emit, saved } = service.handle(event, m.redelivered);
    const delay = emit.length === 0 ? 0 : (config.delayMs[event.orderId] ?? sample(config.replyLatency, faultRandom));
    const finish = () => (emit.length === 0 ? m.ack() : publish(emit).then(() => m.ack(), () => m.nak(NAK_DELAY_MS)));
    // A delay holds only the reply; the state change above is already made (and stored, first).
    const release = delay ? () => hold(m, delay, finish) : finish;
    if (saved) saved.then(release, () => m.nak(NAK_DELAY_MS));
    else release();
  };

  /** Reports an unpublishable event: the worker cannot keep its promise, and the run must not pretend otherwise. */
  const fatal = (what: string) => (error: Error) => send({ type: 'fatal', message: `${what}: ${error.message}` });
  /**
   * Publishes what a command or a timeout produced once it is stored. On a revision conflict the
   * record has been reloaded: `again` redoes the work on it (a timeout simply fires on a later tick).
   */
  const publishAfter = (handled: Handled, what: string, again?: () => void, via: Publish = publish) => {
    if (handled.emit.length === 0 && !handled.saved) return;
    const go = () => via(handled.emit).catch(fatal(`cannot publish ${what}`));
    if (!handled.saved) return void go();
    handled.saved.then(go, (error: Error) => {
      if (!(error instanceof StateConflictError)) return fatal(`cannot store ${what}`)(error);
      again?.();
    });
  };

  const current = () => {
    const loop = performance.eventLoopUtilization();
    const cpu = readThreadCpu();
    return { ...stats, loopBusyMs: loop.active, loopIdleMs: loop.idle, cpuMs: cpu?.cpuMs ?? 0, runQueueMs: cpu?.waitMs ?? 0, cpuRuns: cpu?.runs ?? 0 };
  };
  const timer = setInterval(() => send({ type: 'stats', stats: current() }), config.statsIntervalMs);
  // Timeouts are checked often enough to fire within a tenth of the timeout (and at least every 250 ms).
  const ticker = service.tick
    ? setInterval(() => {
        const handled = service.tick?.(Date.now());
        if (handled) publishAfter(handled, 'a saga timeout');
      }, Math.min(250, Math.max(10, config.sagaTimeoutMs / 10)))
    : undefined;

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'place-orders': {
        const place = (cmd: PlaceOrder, attempt = 1) => {
          const handled = service.place?.(cmd, Date.now());
          if (handled) publishAfter(handled, `order ${cmd.orderId}`, attempt < 3 ? () => place(cmd, attempt + 1) : undefined, publishNew);
        };
        for (const cmd of msg.orders) place(cmd);
        return;
      }
      case 'snapshot':
        send({ type: 'snapshot', snapshot: service.snapshot() });
        return;
      case 'settle':
        for (const id of msg.orderIds) settled.add(id);
        send({ type: 'settled', id: msg.id, snapshot: service.release(msg.orderIds) });
        return;
      case 'stall': {
        // Deliberately blocks the event loop: no message is handled, acked or published meanwhile.
        const until = Date.now() + msg.ms;
        while (Date.now() < until) {
          // spin
        }
        return;
      }
      case 'pause':
        paused.pause(msg.ms);
        return;
      case 'stop':
        clearInterval(timer);
        clearInterval(ticker);
        void transport
          .close()
          .then(() => nc.drain())
          .finally(() => {
            send({ type: 'stopped', stats: current() });
            port.close();
          });
        return;
      default:
        unreachable(msg);
    }
  });
  const paused = pausable(onMessage);
  // A throw here is a bug in a service, not bad input (that is dead-lettered): the run must stop
  // loudly rather than lose the consumer, which the client would close silently.
  await startStep('starting its consumers', () =>
    transport.start((m) => {
      try {
        paused.receive(m);
      } catch (error) {
        fatal(`${config.service} failed on ${m.subject}`)(error as Error);
      }
    }),
  );
  // Stats first: the main thread then has this thread's loop time as of ready, and a run's busy
  // shares (process.loopBusy) do not count the start-up's compiling as load.
  send({ type: 'stats', stats: current() });
  send({ type: 'ready' });
}

/**
 * A worker restarted by a crash fault can start while the broker is down (a kill in the same run):
 * each start-up step is retried like a broker write, about 10 s, before the worker gives up naming it.
 */
async function startStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await withRetries(step);
  } catch (error) {
    throw new Error(`failed ${what}: ${(error as Error).message}`, { cause: error });
  }
}

main().catch((error: Error) => send({ type: 'fatal', message: error.message }));
