import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import { BrokerUnavailableError, InterruptedError, ServiceCrashedError, UsageError } from '../../errors.js';
import type { GeneratorPart } from '../../load/share.js';
import type { Report } from '../../report/report.js';
import type { Scenario } from '../../scenario/schema.js';
import { decodeReply, encode, GeneratorRequestSchema, parse, ReportMessageSchema, runSubjects, scenarioDigest, type Here, type Progress, type Reply } from './messages.js';

/** How long a generator waits for its coordinator to start it. */
export const JOIN_TIMEOUT_MS = 300_000;
/** How long a generator tries to hand in its report. */
const HAND_IN_TIMEOUT_MS = 30_000;

/**
 * A generator's side of a distributed run: it answers the coordinator's roll call, waits for its
 * part (index and count), publishes its progress, and hands in its report at the end.
 */
export class GeneratorLink {
  readonly id = randomBytes(4).toString('hex');
  private readonly subjects;
  private readonly subs: Subscription[] = [];
  private part: GeneratorPart | undefined;

  constructor(
    private readonly nc: NatsConnection,
    names: RunNames,
    private readonly runId: string,
    private readonly scenario: Scenario,
    /** The coordinator asked this generator to stop placing orders (its run was interrupted). */
    private readonly onStop: () => void,
    /** The coordinator gave up on the run, saying why. */
    private readonly onAbort: (error: ServiceCrashedError) => void,
  ) {
    this.subjects = runSubjects(names, runId);
  }

  /** This generator's index, once started. */
  get index(): number {
    return this.part?.index ?? 0;
  }

  /** Answers roll calls until the coordinator sends this generator its part. */
  join(signal: AbortSignal, timeoutMs = JOIN_TIMEOUT_MS): Promise<GeneratorPart> {
    const here = (): Here => ({ id: this.id, host: hostname(), pid: process.pid, scenario: this.scenario.name, digest: scenarioDigest(this.scenario), started: this.part !== undefined });
    this.subs.push(this.nc.subscribe(this.subjects.roll, { callback: (_e, msg) => void msg.respond(encode(here())) }));
    return new Promise<GeneratorPart>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BrokerUnavailableError(`no coordinator started run ${this.runId} within ${Math.round(timeoutMs / 1000)} s; start it with: saga-sim run (or bench) <scenario> --role coordinator --run-id ${this.runId} --generators <n> --nats-url …`)),
        timeoutMs,
      );
      signal.addEventListener('abort', () => reject(new InterruptedError('interrupted')), { once: true });
      this.subs.push(
        this.nc.subscribe(this.subjects.generator(this.id), {
          callback: (_e, msg) => {
            const request = parse(GeneratorRequestSchema, msg.data);
            msg.respond(encode(('error' in request ? { ok: false, error: request.error } : { ok: true }) satisfies Reply));
            if ('error' in request) return;
            if (request.value.op === 'stop') return this.onStop();
            if (request.value.op === 'abort') {
              const error = new ServiceCrashedError(`the coordinator of run ${this.runId} gave up: ${request.value.why}`);
              clearTimeout(timer);
              reject(error);
              return this.onAbort(error);
            }
            if (this.part) return;
            clearTimeout(timer);
            this.part = { index: request.value.index, count: request.value.count };
            resolve(this.part);
          },
        }),
      );
    });
  }

  progress(p: Omit<Progress, 'id' | 'index'>): void {
    if (!this.part || this.nc.isClosed()) return;
    this.nc.publish(this.subjects.progress, encode({ ...p, id: this.id, index: this.part.index } satisfies Progress));
  }

  /** Hands the report to the coordinator, retrying while it does not answer. */
  async handIn(report: Report): Promise<void> {
    const body = encode({ id: this.id, index: this.index, report } satisfies Parameters<typeof ReportMessageSchema.parse>[0]);
    const deadline = Date.now() + HAND_IN_TIMEOUT_MS;
    for (;;) {
      try {
        const reply = decodeReply((await this.nc.request(this.subjects.report, body, { timeout: 5000 })).data);
        if (!reply.ok) throw new UsageError(`the coordinator of run ${this.runId} refused this generator's report: ${reply.error}`);
        return;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        if (Date.now() > deadline) throw new BrokerUnavailableError(`the coordinator of run ${this.runId} did not take this generator's report within ${HAND_IN_TIMEOUT_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  close(): void {
    for (const sub of this.subs) sub.unsubscribe();
  }
}
