/**
 * Entry of a service worker thread: a thin adapter between the run engine's messages and a
 * service host. Fails fast when loaded outside a worker.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { startServiceHost } from './host/service-host.js';
import { unreachable, WorkerConfigSchema, type FromWorker, type ToWorker } from './protocol.js';

if (isMainThread || !parentPort) throw new Error('worker-main must run in a worker thread (it is started by the run engine)');
const port: MessagePort = parentPort;
// nats.js creates an Error on the completion of every request (RequestOne.cancel rejects its
// already-resolved promise). With stacks, that alone was 14% of a saturated worker's time. A worker
// reports failures by message, never by stack, so it captures none.
Error.stackTraceLimit = 0;
const send = (msg: FromWorker) => port.postMessage(msg);

async function main(): Promise<void> {
  const config = WorkerConfigSchema.parse(workerData);
  const host = await startServiceHost(config, (message) => send({ type: 'fatal', message }));
  const timer = setInterval(() => send({ type: 'stats', stats: host.stats() }), config.statsIntervalMs);
  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'place-orders':
        return host.place(msg.orders);
      case 'submit':
        host.submit(msg.order).then(
          () => send({ type: 'submitted', id: msg.id }),
          (error: Error) => send({ type: 'submitted', id: msg.id, error: error.message }),
        );
        return;
      case 'snapshot':
        return send({ type: 'snapshot', snapshot: host.snapshot() });
      case 'settle':
        return send({ type: 'settled', id: msg.id, snapshot: host.release(msg.orderIds) });
      case 'stall':
        return host.stall(msg.ms);
      case 'pause':
        return host.pause(msg.ms);
      case 'crash-after-commit':
        return host.crashAfterCommit();
      case 'stop':
        clearInterval(timer);
        void host
          .stop()
          .catch(() => undefined)
          .finally(() => {
            send({ type: 'stopped', stats: host.stats() });
            port.close();
          });
        return;
      default:
        unreachable(msg);
    }
  });
  // Stats first: the main thread then has this thread's loop time as of ready, and a run's busy
  // shares (process.loopBusy) do not count the start-up's compiling as load.
  send({ type: 'stats', stats: host.stats() });
  send({ type: 'ready' });
}

main().catch((error: Error) => send({ type: 'fatal', message: error.message }));
