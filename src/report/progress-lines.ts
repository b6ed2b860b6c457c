import type { EngineListener } from '../engine/events.js';
import { latencyLine } from './summary-text.js';

/** Default interval between progress lines in plain mode. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;

/**
 * Plain, stable progress for pipes and CI: one line per interval, no cursor movement.
 * It is just another subscriber of the engine's snapshots.
 */
export function plainProgress(write: (line: string) => void, intervalMs = DEFAULT_PROGRESS_INTERVAL_MS): EngineListener {
  let lastAt = -Infinity;
  let lastDone = 0;
  return (event) => {
    switch (event.type) {
      case 'broker': {
        const b = event.broker;
        const where = b.embedded ? `started ${b.nodes > 1 ? `a ${b.nodes}-node cluster of ` : ''}nats-server ${b.version} at ${b.url} (monitoring ${b.monitorUrl}, store ${b.storeDir})` : `using nats-server ${b.version} at ${b.url}`;
        write(`${where}${b.namespace ? `; namespace ${b.namespace}` : ''}${b.subjectPrefix ? `, subjects ${b.subjectPrefix}order.created.v1 …` : ''}`);
        return;
      }
      case 'fault':
        write(`fault at ${(event.fault.atMs / 1000).toFixed(1)}s: ${event.fault.text}`);
        return;
      case 'warning':
        write(`warning: ${event.message}`);
        return;
      case 'notice':
        write(event.message);
        return;
      case 'snapshot': {
        const s = event.snapshot;
        if (s.elapsedMs - lastAt < intervalMs) return;
        // The rate since the previous line: one snapshot's 100 ms window is too bursty to print.
        const done = s.confirmed + s.cancelled + s.failed;
        const rate = Number.isFinite(lastAt) ? ((done - lastDone) * 1000) / (s.elapsedMs - lastAt) : s.currentRate;
        lastAt = s.elapsedMs;
        lastDone = done;
        const total = Number.isFinite(s.planned) ? `/${s.planned}` : '';
        write(
          `[${(s.elapsedMs / 1000).toFixed(1).padStart(6)}s] ${s.phase.padEnd(9)} sent ${s.sent}${total} · in flight ${s.inFlight} · ` +
            `confirmed ${s.confirmed} · cancelled ${s.cancelled} · failed ${s.failed} · ${Math.round(rate)} sagas/s · ` +
            `late ${s.lateSends}${s.droppedSends > 0 ? ` · dropped ${s.droppedSends}` : ''}${s.paused ? ' · PAUSED' : ''} · ${latencyLine(s.latency.corrected)}`,
        );
        return;
      }
      case 'phase':
      case 'done':
        return;
    }
  };
}
