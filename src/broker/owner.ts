/**
 * Who made what saga-sim leaves on a server, and whether it is still there. Each stream's
 * description names its owner (command, namespace, pid, host, start); a live owner answers on
 * LIVE_SUBJECT, so `saga-sim clean` and a new run can tell a leftover from a resource in use, on
 * any machine, without a coordinator of their own.
 */
import { hostname } from 'node:os';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import type { RunNames } from './names.js';

export const LIVE_SUBJECT = 'saga-sim.live';
/** How long a liveness question waits for answers: live owners answer within milliseconds. */
export const LIVE_WAIT_MS = 400;

export const OwnerSchema = z.object({
  command: z.string(),
  namespace: z.string(),
  subjectPrefix: z.string(),
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
});
export type Owner = z.infer<typeof OwnerSchema>;

export function currentOwner(command: string, names: RunNames): Owner {
  return { command, namespace: names.id, subjectPrefix: names.subjectPrefix, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
}

/** `saga-sim run · namespace k3j9x2a1 · pid 4242 on ci-7 · started 2026-12-02T18:00:00.000Z` */
export function ownerDescription(owner: Owner): string {
  return `saga-sim ${owner.command} · namespace ${owner.namespace || '(design)'} · pid ${owner.pid} on ${owner.host} · started ${owner.startedAt}`;
}

/** Answers liveness questions for as long as the subscription lasts. */
export function answerLiveness(nc: NatsConnection, owner: Owner): Subscription {
  const body = JSON.stringify(owner);
  return nc.subscribe(LIVE_SUBJECT, { callback: (_error, msg) => void msg.respond(body) });
}

/** Every saga-sim process on this server that answers within `waitMs`. */
export async function liveOwners(nc: NatsConnection, waitMs = LIVE_WAIT_MS): Promise<Owner[]> {
  const owners: Owner[] = [];
  try {
    for await (const msg of await nc.requestMany(LIVE_SUBJECT, undefined, { strategy: 'timer', maxWait: waitMs })) {
      const owner = OwnerSchema.safeParse(safeJson(msg.data));
      if (owner.success) owners.push(owner.data);
    }
  } catch {
    // No responders: nobody is there.
  }
  return owners;
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
