import type { EmbeddedServer } from '../broker/embedded-server.js';
import { ServiceCrashedError } from '../errors.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/schema.js';
import { SERVICE_NAMES, type ServiceName } from '../services/service.js';
import type { Distribution } from '../load/distribution.js';
import type { ServiceHandle } from '../services/handle.js';
import { now } from './clock.js';

export interface FaultContext {
  faults: Scenario['faults'];
  /** Epoch ms of the first intended send: fault times count from here. */
  loadStart: number;
  /** Epoch ms the run started; `appliedAtMs` in the report counts from here. */
  startedAt: number;
  workers: ReadonlyMap<ServiceName, ServiceHandle>;
  /** The embedded server; the engine refuses broker faults without one. */
  embedded: EmbeddedServer | undefined;
  /** A fault took effect (or ended): shown live and in the event tail. */
  mark(text: string): void;
  crashed(error: ServiceCrashedError): void;
  /** A crash fault is about to end a service worker. */
  crashing(service: ServiceName): void;
  /** A service worker came back after a crash fault. */
  restarted(service: ServiceName): void;
  /** Registers a cleanup that cancels a pending timer. */
  onCleanup(cleanup: () => Promise<unknown>): void;
}

interface Outage {
  down(): Promise<void>;
  up(): Promise<void>;
  downText: string;
  upText: string;
  failedText: string;
  done(appliedAtMs: number, downMs: number): void;
}

/**
 * Schedules the scenario's timed faults and returns the list the report shows, which fills in as
 * they take effect. Whole-run faults (duplicate, drop, latency) are carried by the workers.
 */
export function scheduleFaults(ctx: FaultContext): Report['faults'] {
  const applied: Report['faults'] = [];
  const after = (delayMs: number, action: () => void) => {
    const timer = setTimeout(action, Math.max(0, delayMs));
    ctx.onCleanup(async () => clearTimeout(timer));
  };
  const at = (offsetMs: number, action: () => void) => after(ctx.loadStart + offsetMs - now(), action);
  const sinceStart = () => Math.round(now() - ctx.startedAt);
  const worker = (name: ServiceName) => ctx.workers.get(name) as ServiceHandle;
  const failed = (what: string) => (error: Error) => ctx.crashed(new ServiceCrashedError(`${what}: ${error.message}`, { cause: error }));
  /** Something taken down at `at` and brought back `restartAfter` later; `done` gets how long it was down. */
  const outage = (fault: { at: number; restartAfter: number }, o: Outage) =>
    at(fault.at, () => {
      ctx.mark(`${o.downText}; restart in ${fault.restartAfter} ms`);
      void o.down().then(() => {
        // When it went down: at once for a kill, at the next commit for crash-after-commit.
        const appliedAtMs = sinceStart();
        after(fault.restartAfter, () => {
          o.up().then(() => {
            o.done(appliedAtMs, sinceStart() - appliedAtMs);
            ctx.mark(o.upText);
          }, failed(o.failedText));
        });
      });
    });
  for (const fault of ctx.faults) {
    if ('duplicate' in fault) {
      applied.push({ kind: 'duplicate', share: fault.duplicate });
    } else if ('drop' in fault) {
      applied.push({ kind: 'drop', share: fault.drop, service: fault.service ?? 'all' });
    } else if ('latency' in fault) {
      applied.push({ kind: 'latency', service: fault.latency.service, distribution: fault.latency.distribution });
    } else if ('broker' in fault) {
      const server = ctx.embedded as EmbeddedServer;
      // On a cluster the fault kills its first node; the others carry on.
      const nodes = 'nodes' in server ? (server.nodes as number) : 1;
      const which = nodes > 1 ? `node 1 of ${nodes}` : 'nats-server';
      outage(fault, {
        down: () => server.kill(),
        up: () => server.restart(),
        downText: `${which} killed (kill -9)${nodes > 1 ? `; ${nodes - 1} carry on` : ''}`,
        upText: `${which} restarted on the same store`,
        failedText: `${which} did not come back`,
        done: (appliedAtMs, downMs) => applied.push({ kind: 'broker-kill', atMs: fault.at, downMs, appliedAtMs, ...(nodes > 1 ? { node: 1, nodes } : {}) }),
      });
    } else if ('crash' in fault) {
      const service = fault.crash;
      outage(fault, {
        down: () => {
          ctx.crashing(service);
          return worker(service).kill();
        },
        up: () => worker(service).restart(),
        downText: `${service} worker crashed (terminated)`,
        upText: `${service} worker restarted from its stored state`,
        failedText: `${service} service did not restart`,
        done: (appliedAtMs, downMs) => {
          applied.push({ kind: 'crash', service, atMs: fault.at, downMs, appliedAtMs });
          ctx.restarted(service);
        },
      });
    } else if ('crashAfterCommit' in fault) {
      const service = fault.crashAfterCommit;
      outage(fault, {
        // Armed at `at`; the service ends itself at its next commit, which is when the outage starts.
        down: async () => {
          await worker(service).crashAfterCommit?.();
          // Only now: the orders sent it until it died are in doubt too.
          ctx.crashing(service);
        },
        up: () => worker(service).restart(),
        downText: `${service} armed to die after its next commit`,
        upText: `${service} worker restarted from its database`,
        failedText: `${service} service did not restart`,
        done: (appliedAtMs, downMs) => {
          applied.push({ kind: 'crash-after-commit', service, atMs: fault.at, downMs, appliedAtMs });
          ctx.restarted(service);
        },
      });
    } else if ('slow' in fault) {
      at(fault.at, () => {
        worker(fault.slow).pause(fault.for);
        applied.push({ kind: 'slow', service: fault.slow, atMs: fault.at, forMs: fault.for, appliedAtMs: sinceStart() });
        ctx.mark(`${fault.slow} consumer stalled for ${fault.for} ms`);
      });
    } else {
      at(fault.at, () => {
        worker(fault.stall).stall(fault.for);
        applied.push({ kind: 'stall', service: fault.stall, atMs: fault.at, forMs: fault.for, appliedAtMs: sinceStart() });
        ctx.mark(`${fault.stall} thread blocked for ${fault.for} ms`);
      });
    }
  }
  return applied;
}

/** The faults that last the whole run, as each worker carries them. */
export function wholeRunFaults(faults: Scenario['faults']): {
  duplicate: number;
  drop: Partial<Record<ServiceName, number>>;
  latency: Partial<Record<ServiceName, Distribution>>;
} {
  const out = { duplicate: 0, drop: {} as Partial<Record<ServiceName, number>>, latency: {} as Partial<Record<ServiceName, Distribution>> };
  for (const f of faults) {
    if ('duplicate' in f) out.duplicate = Math.max(out.duplicate, f.duplicate);
    if ('drop' in f) for (const s of f.service ? [f.service] : SERVICE_NAMES) out.drop[s] = Math.max(out.drop[s] ?? 0, f.drop);
    if ('latency' in f) out.latency[f.latency.service] = f.latency.distribution;
  }
  return out;
}
