/**
 * One service, running: its pure logic over its record store, fed by its NATS transport (a durable
 * JetStream consumer, or core queue subscriptions). It does not know what runs it: a worker thread
 * and a process are thin adapters around it.
 */
import { performance } from 'node:perf_hooks';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectBroker } from '../../broker/connection.js';
import { RunNames } from '../../broker/names.js';
import { decodeEvent } from '../../events/codec.js';
import type { EventType } from '../../events/subjects.js';
import { sample } from '../../load/distribution.js';
import { OrderFlags } from '../../load/order-flags.js';
import { mulberry32 } from '../../load/random.js';
import { readThreadCpu } from '../../metrics/thread-cpu.js';
import { createService, outboxed, reemits } from '../create-service.js';
import type { PlaceOrder } from '../order/logic.js';
import { CRASH_AFTER_COMMIT_EXIT, emptyStats, type WorkerConfig, type WorkerStats } from '../protocol.js';
import { createPublisher, type Publish, type Send } from '../publisher.js';
import { retryBudgetFor, setRetryBudget, withRetries } from '../retry.js';
import { SERVICE_NAMES, type Handled, type Service, type ServiceName, type ServiceSnapshot } from '../service.js';
import { StateConflictError } from '../../errors.js';
import { coreTransport, jetstreamTransport, type Delivery, type Transport } from '../transport.js';
import { deadLetterer, hold, NAK_DELAY_MS, pausable } from './delivery.js';
import { serviceLog, type ServiceLog } from './log.js';

export interface ServiceHost {
  readonly name: ServiceName;
  /** Places orders (the order service only): each is stored, then its order.created is published. */
  place(orders: readonly PlaceOrder[]): void;
  /** Places one order; resolves once it is stored and its order.created published, rejects if either fails. */
  submit(order: PlaceOrder): Promise<void>;
  snapshot(): ServiceSnapshot;
  /** These sagas have settled: returns their records, drops them, and ignores anything later about them. */
  release(orderIds: readonly string[]): ServiceSnapshot;
  /** Reads in the stored records of these sagas that another instance handled (shared KV state), before a release. */
  load(orderIds: readonly string[]): Promise<void>;
  /** Counters since start, with this thread's loop and CPU time. */
  stats(): WorkerStats;
  /** Blocks the thread this long (the stall fault): nothing is handled, acked or published meanwhile. */
  stall(ms: number): void;
  /** Takes no messages this long, the thread still running (the slow fault). */
  pause(ms: number): void;
  /** Ends the thread or process right after its next commit, before it publishes (the crash-after-commit fault). */
  crashAfterCommit(): void;
  /** Stops consuming, drains the connection, and returns the final counters. */
  stop(): Promise<WorkerStats>;
}

/**
 * `fatal`: the host cannot keep a promise (an unpublishable event, a bug in a service); whoever runs
 * it must stop loudly rather than carry on short.
 */
export async function startServiceHost(config: WorkerConfig, onFatal: (message: string) => void): Promise<ServiceHost> {
  const stats = emptyStats();
  setRetryBudget(retryBudgetFor(config.natsUrl));
  const log = serviceLog(config.service, config.log.level, config.log.format);
  const fatal = (message: string) => {
    log.error(message);
    onFatal(message);
  };
  const nc = await startStep('connecting', () => connectBroker(config.natsUrl, `saga-sim-${config.service}`, config.auth ?? {}));
  // Loads what a previous instance of this service stored, so a restart resumes where it stopped.
  const crash = { armed: false };
  // Exits at once, from inside the commit's callback: nothing after the commit runs, as in a process killed there.
  const committed = () => crash.armed && process.exit(CRASH_AFTER_COMMIT_EXIT);
  const service = await startStep('loading its state', () => createService(config, nc, stats, committed));
  // Sagas whose records were checked and dropped: anything more about them is a late copy.
  const settled = new OrderFlags();
  for (const id of config.settled) settled.add(id);
  service.release(config.settled);
  const names = new RunNames(config.namespace);
  const transport =
    config.delivery === 'core'
      ? coreTransport(nc, names, config.service, service.consumes)
      : jetstreamTransport(nc, names, config.consumers, config.jetstream.acks === 'double', () => stats.ackFailures++);
  const flow = messageFlow(config, names, service, transport, stats, settled, fatal, log);
  const ticker = startTicker(config, service, flow.publishAfter);
  const paused = pausable(flow.onMessage);
  // A throw here is a bug in a service, not bad input (that is dead-lettered): the run must stop
  // loudly rather than lose the consumer, which the client would close silently.
  await startStep('starting its consumers', () =>
    transport.start((m) => {
      try {
        paused.receive(m);
      } catch (error) {
        fatal(`${config.service} failed on ${m.subject}: ${(error as Error).message}`);
      }
    }),
  );
  log.info('ready', { delivery: config.delivery, state: config.state, ...(config.consumers.length > 0 ? { consumers: config.consumers.join(',') } : {}) });
  return hostOf(config, service, { nc, transport, stats, settled, ticker, paused, crash, place: flow.place, submit: flow.submit });
}

interface Running {
  nc: NatsConnection;
  transport: Transport;
  stats: WorkerStats;
  settled: OrderFlags;
  ticker: ReturnType<typeof setInterval> | undefined;
  paused: { pause(ms: number): void };
  crash: { armed: boolean };
  place(cmd: PlaceOrder): void;
  submit(cmd: PlaceOrder): Promise<void>;
}

function hostOf(config: WorkerConfig, service: Service, r: Running): ServiceHost {
  const stats = (): WorkerStats => {
    const loop = performance.eventLoopUtilization();
    const cpu = readThreadCpu();
    return { ...r.stats, loopBusyMs: loop.active, loopIdleMs: loop.idle, cpuMs: cpu?.cpuMs ?? 0, runQueueMs: cpu?.waitMs ?? 0, cpuRuns: cpu?.runs ?? 0 };
  };
  return {
    name: config.service,
    place: (orders) => orders.forEach((cmd) => r.place(cmd)),
    submit: (order) => r.submit(order),
    snapshot: () => service.snapshot(),
    release(orderIds) {
      for (const id of orderIds) r.settled.add(id);
      return service.release(orderIds);
    },
    load: (orderIds) => service.load?.(orderIds) ?? Promise.resolve(),
    stats,
    stall(ms) {
      // Deliberately blocks the event loop.
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // spin
      }
    },
    pause: (ms) => r.paused.pause(ms),
    crashAfterCommit: () => void (r.crash.armed = true),
    async stop() {
      clearInterval(r.ticker);
      await r.transport.close();
      await service.close?.();
      await r.nc.drain();
      return stats();
    },
  };
}

/** What the host does with each delivery, each placed order and each timeout. */
function messageFlow(config: WorkerConfig, names: RunNames, service: Service, transport: Transport, stats: WorkerStats, settled: OrderFlags, fatal: (message: string) => void, log: ServiceLog) {
  const accepts = new Set<string>(service.consumes);
  // Seeded per service, so a seed reproduces which messages the faults hit (up to timing).
  const faultRandom = mulberry32(config.payment.seed * 31 + SERVICE_NAMES.indexOf(config.service));
  const faults = { duplicateShare: config.duplicateShare, random: faultRandom };
  const logged = (p: Publish): Publish =>
    log.debugging ? (events) => p(events).then(() => events.forEach((e) => log.debug(`emitted ${e.type}`, { orderId: e.orderId }))) : p;
  // Events are published on their type's subject in the run's namespace.
  const send: Send = (type, data, msgID, deferred) => transport.send(names.subject(type as EventType), data, msgID, deferred);
  // With an outbox, what a step emits was committed with its state, and the store's relay publishes it.
  const relayed: Publish = async () => undefined;
  const publish = outboxed(config) ? relayed : logged(createPublisher(send, stats, faults));
  // A placed order is new work: under overload its event waits behind those of sagas under way.
  const publishNew = outboxed(config) ? relayed : logged(createPublisher(send, stats, faults, true));
  const reemit = reemits(config);
  const retry = (m: Delivery, what: string) => (error: Error) => {
    // A conflict is another instance's write, expected when several share the records.
    (error instanceof StateConflictError ? log.debug : log.warn)(`${what} failed; the message will be redelivered`, { subject: m.subject, error: error.message });
    m.nak(NAK_DELAY_MS);
  };
  const deadLetter = deadLetterer(transport, names, config.service);
  const failed = (what: string) => (error: Error) => fatal(`${what}: ${error.message}`);

  const onMessage = (m: Delivery) => {
    let event;
    try {
      event = decodeEvent(m.data, names.typeOf(m.subject));
    } catch (error) {
      stats.deadLetters++;
      log.warn('dead-lettered an invalid message', { subject: m.subject, reason: (error as Error).message });
      // Acked only once the dead letter is stored, so a bad message is never silently lost.
      deadLetter(m, (error as Error).message).then(() => m.ack(), retry(m, 'storing a dead letter'));
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
    if (log.debugging) log.debug(`received ${event.type}`, { orderId: event.orderId, ...(m.redelivered ? { redelivered: true } : {}) });
    const { emit, saved } = service.handle(event, m.redelivered && reemit);
    const delay = emit.length === 0 ? 0 : (config.delayMs[event.orderId] ?? sample(config.replyLatency, faultRandom));
    const finish = () => (emit.length === 0 ? m.ack() : publish(emit).then(() => m.ack(), retry(m, 'publishing')));
    // A delay holds only the reply; the state change above is already made (and stored, first).
    const release = delay ? () => hold(m, delay, finish) : finish;
    if (saved) saved.then(release, retry(m, 'storing the state'));
    else release();
  };

  /**
   * Publishes what a command or a timeout produced once it is stored. On a revision conflict the
   * record has been reloaded: `again` redoes the work on it (a timeout simply fires on a later tick).
   */
  const publishAfter = (handled: Handled, what: string, again?: () => void, via: Publish = publish) => {
    if (handled.emit.length === 0 && !handled.saved) return;
    const go = () => via(handled.emit).catch(failed(`cannot publish ${what}`));
    if (!handled.saved) return void go();
    handled.saved.then(go, (error: Error) => {
      if (!(error instanceof StateConflictError)) return failed(`cannot store ${what}`)(error);
      again?.();
    });
  };

  const place = (cmd: PlaceOrder, attempt = 1) => {
    const handled = service.place?.(cmd, Date.now());
    if (handled) publishAfter(handled, `order ${cmd.orderId}`, attempt < 3 ? () => place(cmd, attempt + 1) : undefined, publishNew);
  };
  // An API client waits for its order: the answer says whether it was stored and published.
  const submit = async (cmd: PlaceOrder, attempt = 1): Promise<void> => {
    const handled = service.place?.(cmd, Date.now());
    if (!handled) throw new Error(`the ${config.service} service takes no orders`);
    try {
      await handled.saved;
    } catch (error) {
      if (error instanceof StateConflictError && attempt < 3) return submit(cmd, attempt + 1);
      throw error;
    }
    await publishNew(handled.emit);
  };
  return { onMessage, publishAfter, place: (cmd: PlaceOrder) => place(cmd), submit: (cmd: PlaceOrder) => submit(cmd) };
}

/** Timeouts are checked often enough to fire within a tenth of the timeout (and at least every 250 ms). */
function startTicker(config: WorkerConfig, service: Service, publishAfter: (handled: Handled, what: string) => void) {
  if (!service.tick) return undefined;
  return setInterval(
    () => {
      const handled = service.tick?.(Date.now());
      if (handled) publishAfter(handled, 'a saga timeout');
    },
    Math.min(250, Math.max(10, config.sagaTimeoutMs / 10)),
  );
}

/**
 * A service restarted by a crash fault can start while the broker is down (a kill in the same run):
 * each start-up step is retried like a broker write, about 10 s, before it gives up naming the step.
 */
async function startStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await withRetries(step);
  } catch (error) {
    throw new Error(`failed ${what}: ${(error as Error).message}`, { cause: error });
  }
}
