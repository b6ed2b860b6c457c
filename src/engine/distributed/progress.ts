import { createHistogram, mergeEncoded, summarize } from '../../metrics/histogram.js';
import type { GeneratorShare } from '../../report/report.js';
import type { ServiceHandle } from '../../services/handle.js';
import type { ServiceName } from '../../services/service.js';
import { now } from '../clock.js';
import type { Phase, RunSnapshot } from '../events.js';
import type { Member } from './roll.js';

const empty = () => summarize(createHistogram());

export interface ProgressContext {
  phase: Phase;
  startedAt: number;
  /** The previous snapshot's time and counts, for the rates. */
  last: { at: number; sent: number; finished: number };
  services: Map<ServiceName, ServiceHandle>;
  planned: number;
  rate: number;
}

/** The run as the generators' latest progress tells it, summed: what the coordinator's display shows. */
export function progressSnapshot(members: readonly Member[], c: ProgressContext): RunSnapshot {
  const progress = members.flatMap((m) => (m.progress ? [m.progress] : []));
  const total = (of: (p: (typeof progress)[number]) => number) => progress.reduce((n, p) => n + of(p), 0);
  const sent = total((p) => p.sent);
  const finished = total((p) => p.confirmed + p.cancelled + p.failed);
  const t = now();
  const seconds = Math.max(0.001, (t - c.last.at) / 1000);
  return {
    phase: c.phase,
    elapsedMs: t - c.startedAt,
    planned: Math.max(c.planned, sent),
    sent,
    targetRate: c.rate,
    sendRate: (sent - c.last.sent) / seconds,
    currentRate: (finished - c.last.finished) / seconds,
    paused: false,
    lateSends: 0,
    maxLagMs: 0,
    droppedSends: 0,
    inFlight: sent - finished,
    confirmed: total((p) => p.confirmed),
    cancelled: total((p) => p.cancelled),
    failed: total((p) => p.failed),
    cancelledByReason: { payment_failed: 0, out_of_stock: 0, payment_and_stock: 0 },
    compensations: { inventoryReleased: 0, paymentRefunded: 0 },
    deadLetters: 0,
    duplicates: 0,
    latency: {
      corrected: summarize(mergeEncoded(progress.map((p) => p.hdr.corrected))),
      uncorrected: summarize(mergeEncoded(progress.map((p) => p.hdr.uncorrected))),
      confirmed: empty(),
      cancelled: empty(),
      steps: { payment: empty(), inventory: empty(), compensation: empty() },
      buckets: { corrected: [], uncorrected: [] },
    },
    recent: [],
    services: [...c.services.values()].map((w) => ({ name: w.name, status: w.status, handled: w.stats.handled, deadLetters: w.stats.deadLetters, restarts: w.restarts })),
    connection: 'connected',
  };
}

/** Each started generator's part of the run: from its report, or its last progress when it vanished. */
export function shares(members: readonly Member[]): GeneratorShare[] {
  const ended = (m: Member) => (m.report ? m.report.orders.total : (m.progress?.confirmed ?? 0) + (m.progress?.cancelled ?? 0) + (m.progress?.failed ?? 0));
  const all = members.reduce((n, m) => n + ended(m), 0);
  return members.map((m) => {
    const r = m.report;
    const p = m.progress;
    return {
      id: m.here.id,
      index: m.index ?? 0,
      host: m.here.host,
      pid: m.here.pid,
      sent: r?.orders.total ?? p?.sent ?? 0,
      confirmed: r?.orders.confirmed ?? p?.confirmed ?? 0,
      cancelled: r?.orders.cancelled ?? p?.cancelled ?? 0,
      failed: r?.orders.failed ?? p?.failed ?? 0,
      sagasPerSecond: r?.throughput.sagasPerSecond ?? 0,
      share: all === 0 ? 0 : Math.round((ended(m) / all) * 10_000) / 10_000,
      reported: r !== undefined,
      passed: r?.passed ?? false,
    };
  });
}
