import type { ServiceHandle } from '../services/handle.js';
import type { ServiceName } from '../services/service.js';
import type { Cleanups } from './cleanups.js';
import { now } from './clock.js';
import type { ConnectionState, EngineEvent, Phase } from './events.js';
import type { LoadLoop } from './load-loop.js';
import type { SagaWatch } from './saga-watch.js';

export interface SnapshotSources {
  intervalMs: number;
  /** Epoch ms the load phase began: elapsed time counts from here. */
  startedAt: number;
  planned: number;
  /** The scenario's rate, until the load loop says otherwise. */
  rate: number;
  watch: SagaWatch;
  services: ReadonlyMap<ServiceName, ServiceHandle>;
  phase(): Phase;
  load(): LoadLoop | undefined;
  connection(): ConnectionState;
  emit(event: EngineEvent): void;
}

/** Emits a snapshot every interval (and moves the settlement on), until `cleanups` run. */
export function startSnapshots(s: SnapshotSources, cleanups: Cleanups): void {
  const { watch } = s;
  const { outcomes, observer } = watch;
  let last = { finished: 0, sent: 0, at: now(), recentAt: 0 };
  const ticker = setInterval(() => {
    const t = now();
    watch.settlement?.tick(t);
    const { sent } = watch;
    const finished = outcomes.finished.size;
    const seconds = Math.max(0.001, (t - last.at) / 1000);
    const load = s.load()?.stats();
    const recent = outcomes.recentEvents().filter((e) => e.at > last.recentAt);
    s.emit({
      type: 'snapshot',
      snapshot: {
        phase: s.phase(),
        elapsedMs: t - s.startedAt,
        planned: Math.max(s.planned, sent),
        sent,
        targetRate: load?.rate ?? s.rate,
        sendRate: (sent - last.sent) / seconds,
        currentRate: (finished - last.finished) / seconds,
        paused: load?.paused ?? false,
        lateSends: load?.late ?? 0,
        maxLagMs: load?.maxLagMs ?? 0,
        droppedSends: load?.dropped ?? 0,
        inFlight: sent - finished,
        ...outcomes.counts,
        cancelledByReason: { ...outcomes.reasons },
        compensations: { ...outcomes.compensations },
        deadLetters: observer.deadLetters,
        duplicates: observer.book.duplicates,
        latency: outcomes.ladders(),
        recent,
        services: [...s.services.values()].map((w) => ({ name: w.name, status: w.status, handled: w.stats.handled, deadLetters: w.stats.deadLetters, restarts: w.restarts })),
        connection: s.connection(),
      },
    });
    last = { finished, sent, at: t, recentAt: recent.at(-1)?.at ?? last.recentAt };
  }, s.intervalMs);
  cleanups.add(async () => clearInterval(ticker));
}
