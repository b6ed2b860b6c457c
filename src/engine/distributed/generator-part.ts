import type { NatsConnection } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import type { GeneratorPart } from '../../load/share.js';
import { encodeHistogram } from '../../metrics/histogram.js';
import { verdict } from '../../report/build-report.js';
import type { Report } from '../../report/report.js';
import type { Scenario } from '../../scenario/schema.js';
import { NAMES } from '../../verify/invariants.js';
import type { Cleanups } from '../cleanups.js';
import type { PartHistograms } from '../outcomes.js';
import type { SagaWatch } from '../saga-watch.js';
import { GeneratorLink } from './generator-link.js';

/** How often a generator tells its coordinator where it is. */
export const PROGRESS_INTERVAL_MS = 1000;

export interface Joined {
  link: GeneratorLink;
  part: GeneratorPart;
}

export interface JoinOptions {
  nc: NatsConnection;
  names: RunNames;
  runId: string;
  scenario: Scenario;
  joinTimeoutMs?: number;
  signal: AbortSignal;
  /** The coordinator asked it to stop. */
  stop(): void;
  /** The coordinator gave up on the run. */
  abort(error: Error): void;
  say(message: string): void;
}

/** Joins the run's coordinator and waits for this generator's part. */
export async function joinRun(o: JoinOptions, cleanups: Cleanups): Promise<Joined> {
  const link = new GeneratorLink(o.nc, o.names, o.runId, o.scenario, o.stop, o.abort);
  cleanups.add(async () => link.close());
  o.say(`generator ${link.id}: waiting for the coordinator of run ${o.runId}`);
  const part = await link.join(o.signal, o.joinTimeoutMs);
  o.say(`generator ${link.id}: part ${part.index + 1} of ${part.count}`);
  return { link, part };
}

/** Publishes this generator's counts and histograms every PROGRESS_INTERVAL_MS, and once more when stopped. */
export function startProgress(joined: Joined, watch: SagaWatch, phase: () => string, cleanups: Cleanups): void {
  const send = () => {
    const { counts, corrected, uncorrected } = watch.outcomes;
    joined.link.progress({ phase: phase(), sent: watch.sent, ...counts, hdr: { corrected: encodeHistogram(corrected), uncorrected: encodeHistogram(uncorrected) } });
  };
  const timer = setInterval(send, PROGRESS_INTERVAL_MS);
  cleanups.add(async () => {
    clearInterval(timer);
    send();
  });
}

/**
 * This generator's report as its part: stock conservation is over the whole run's orders, so it
 * is left to the coordinator, which gets what this part's CONFIRMED orders hold.
 */
export function partReport(report: Report, joined: Joined, runId: string, confirmedQuantities: Record<string, number>, hdr: PartHistograms): Report {
  const invariants = report.invariants.map((r) => (r.name === NAMES.stock ? { name: r.name, passed: true, details: `judged by the coordinator of run ${runId}, over every generator's orders` } : r));
  return { ...report, invariants, passed: verdict({ ...report, invariants }), part: { runId, id: joined.link.id, index: joined.part.index, count: joined.part.count, confirmedQuantities, hdr } };
}
