import type { EmbeddedServer } from '../broker/embedded-server.js';
import { ServiceCrashedError } from '../errors.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/schema.js';
import type { ServiceName } from '../services/service.js';
import type { ServiceWorker } from '../services/worker-pool.js';
import { now } from './clock.js';

export interface FaultContext {
  faults: Scenario['faults'];
  /** Epoch ms of the first intended send: fault times count from here. */
  loadStart: number;
  /** Epoch ms the run started; `appliedAtMs` in the report counts from here. */
  startedAt: number;
  workers: ReadonlyMap<ServiceName, ServiceWorker>;
  /** The embedded server; the engine refuses broker faults without one. */
  embedded: EmbeddedServer | undefined;
  warn(message: string): void;
  crashed(error: ServiceCrashedError): void;
  /** Registers a cleanup that cancels a pending timer. */
  onCleanup(cleanup: () => Promise<unknown>): void;
}

/**
 * Schedules the scenario's timed faults and returns the list the report shows, which fills in as
 * they take effect. A duplicate share applies for the whole run (the workers carry it).
 */
export function scheduleFaults(ctx: FaultContext): Report['faults'] {
  const applied: Report['faults'] = [];
  const after = (delayMs: number, action: () => void) => {
    const timer = setTimeout(action, Math.max(0, delayMs));
    ctx.onCleanup(async () => clearTimeout(timer));
  };
  const at = (offsetMs: number, action: () => void) => after(ctx.loadStart + offsetMs - now(), action);
  const sinceStart = () => Math.round(now() - ctx.startedAt);
  for (const fault of ctx.faults) {
    if ('duplicate' in fault) {
      applied.push({ kind: 'duplicate', share: fault.duplicate });
    } else if ('broker' in fault) {
      const server = ctx.embedded as EmbeddedServer;
      at(fault.at, () => {
        const appliedAtMs = sinceStart();
        ctx.warn(`fault: nats-server killed (kill -9); restarting in ${fault.restartAfter} ms`);
        void server.kill().then(() =>
          after(fault.restartAfter, () => {
            server.restart().then(
              () => {
                applied.push({ kind: 'broker-kill', atMs: fault.at, downMs: sinceStart() - appliedAtMs, appliedAtMs });
                ctx.warn('fault: nats-server restarted on the same store');
              },
              (error: Error) => ctx.crashed(new ServiceCrashedError(`nats-server did not come back: ${error.message}`, { cause: error })),
            );
          }),
        );
      });
    } else {
      at(fault.at, () => {
        ctx.workers.get(fault.stall)?.send({ type: 'stall', ms: fault.for });
        applied.push({ kind: 'stall', service: fault.stall, atMs: fault.at, forMs: fault.for, appliedAtMs: sinceStart() });
        ctx.warn(`fault: ${fault.stall} stalled for ${fault.for} ms`);
      });
    }
  }
  return applied;
}
