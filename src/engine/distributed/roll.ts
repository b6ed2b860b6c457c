import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import type { Report } from '../../report/report.js';
import { decodeReply, encode, HereSchema, parse, ProgressSchema, ReportMessageSchema, runSubjects, type GeneratorRequest, type Here, type Progress, type Reply } from './messages.js';

/** How often the coordinator calls the roll, and how long each call collects answers. */
const ROLL_INTERVAL_MS = 500;
const ROLL_WAIT_MS = 300;
/** A started generator that misses this many roll calls in a row, its report not in, has vanished. */
export const MISSED_ROLLS = 6;

export interface Member {
  here: Here;
  index?: number;
  missed: number;
  progress?: Progress;
  report?: Report;
  vanished: boolean;
}

export interface RollEvents {
  joined(member: Member): void;
  vanished(member: Member): void;
  reported(member: Member): void;
  /** A message that did not parse: named, and otherwise ignored. */
  garbled(subject: string, why: string): void;
}

/**
 * The coordinator's view of its generators, from NATS alone: who answers the roll call, the
 * progress each publishes, and the reports they hand in.
 */
export class GeneratorRoll {
  readonly members = new Map<string, Member>();
  private readonly subjects;
  private readonly subs: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly nc: NatsConnection,
    names: RunNames,
    private readonly runId: string,
    private readonly events: RollEvents,
  ) {
    this.subjects = runSubjects(names, runId);
  }

  start(): void {
    this.subs.push(
      this.nc.subscribe(this.subjects.progress, {
        callback: (_e, msg) => {
          const p = parse(ProgressSchema, msg.data);
          if ('error' in p) return this.events.garbled(msg.subject, p.error);
          const member = this.members.get(p.value.id);
          if (member && !member.report) member.progress = p.value;
        },
      }),
      this.nc.subscribe(this.subjects.report, { callback: (_e, msg) => void msg.respond(encode(this.take(msg.data))) }),
    );
    void this.call();
    this.timer = setInterval(() => void this.call(), ROLL_INTERVAL_MS);
  }

  /** Sends one generator a request (its part, or stop), and waits for its answer. */
  async tell(member: Member, request: GeneratorRequest): Promise<void> {
    const reply = decodeReply((await this.nc.request(this.subjects.generator(member.here.id), encode(request), { timeout: 5000 })).data);
    if (!reply.ok) throw new Error(`generator ${member.here.id} refused ${request.op}: ${reply.error}`);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const sub of this.subs) sub.unsubscribe();
  }

  private take(data: Uint8Array): Reply {
    const m = parse(ReportMessageSchema, data);
    if ('error' in m) {
      this.events.garbled(this.subjects.report, m.error);
      return { ok: false, error: m.error };
    }
    const member = this.members.get(m.value.id);
    if (!member || member.index === undefined) return { ok: false, error: `generator ${m.value.id} is not one this coordinator started for run ${this.runId}` };
    const report = m.value.report as unknown as Report;
    if (report.schemaVersion !== 1 || report.part?.runId !== this.runId) return { ok: false, error: 'not a generator report of this run (schemaVersion 1, part.runId)' };
    if (!member.report) {
      member.report = report;
      member.vanished = false;
      this.events.reported(member);
    }
    return { ok: true };
  }

  private async call(): Promise<void> {
    const seen = new Set<string>();
    try {
      for await (const msg of await this.nc.requestMany(this.subjects.roll, undefined, { strategy: 'timer', maxWait: ROLL_WAIT_MS })) {
        const here = parse(HereSchema, msg.data);
        if ('error' in here) {
          this.events.garbled(this.subjects.roll, here.error);
          continue;
        }
        seen.add(here.value.id);
        const member = this.members.get(here.value.id);
        if (member) {
          member.missed = 0;
          member.here = here.value;
        } else {
          const joined: Member = { here: here.value, missed: 0, vanished: false };
          this.members.set(here.value.id, joined);
          this.events.joined(joined);
        }
      }
    } catch {
      // No generator up yet, or the broker away: a missed call for each below.
    }
    for (const member of this.members.values()) {
      if (seen.has(member.here.id) || member.report || member.vanished) continue;
      if (++member.missed < MISSED_ROLLS) continue;
      // One that leaves before it has its part is simply not there; one that leaves after has vanished.
      if (member.index === undefined) this.members.delete(member.here.id);
      else {
        member.vanished = true;
        this.events.vanished(member);
      }
    }
  }
}
