import { hostname } from 'node:os';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { RunNames } from '../../broker/names.js';
import type { ServiceHost } from '../host/service-host.js';
import { controlSubjects, decode, encode, InstanceRequestSchema, PlaceRequestSchema, SubmitRequestSchema, type InstanceReply, type Pong } from './control.js';

/**
 * Answers the engine's control requests for a service host running in this process. A malformed
 * request gets an error reply (or is dropped when it wants none); it never reaches the host.
 */
export function serveControl(nc: NatsConnection, names: RunNames, host: ServiceHost, id: string): { close(): void } {
  const subjects = controlSubjects(names, host.name);
  const subs: Subscription[] = [];
  const on = (subject: string, handle: (msg: Msg) => void | Promise<void>, queue?: string) =>
    subs.push(
      nc.subscribe(subject, {
        queue,
        callback: (_error, msg) => {
          Promise.resolve()
            .then(() => handle(msg))
            .catch((error: Error) => msg.reply && msg.respond(encode({ ok: false, error: error.message } satisfies InstanceReply)));
        },
      }),
    );
  on(subjects.ping, (msg) => void msg.respond(encode({ id, service: host.name, pid: process.pid, host: hostname(), stats: host.stats() } satisfies Pong)));
  on(subjects.instance(id), async (msg) => {
    const request = InstanceRequestSchema.parse(decode(msg.data));
    let reply: InstanceReply = { ok: true };
    switch (request.op) {
      case 'snapshot':
        reply = { ok: true, snapshot: host.snapshot() };
        break;
      case 'settle':
        await host.load(request.orderIds);
        reply = { ok: true, snapshot: host.release(request.orderIds) };
        break;
      case 'stall':
        host.stall(request.ms);
        break;
      case 'pause':
        host.pause(request.ms);
        break;
    }
    msg.respond(encode(reply));
  });
  if (host.name === 'order') {
    on(subjects.place, (msg) => host.place(PlaceRequestSchema.parse(decode(msg.data)).orders), subjects.queue);
    on(subjects.submit, async (msg) => {
      await host.submit(SubmitRequestSchema.parse(decode(msg.data)).order);
      msg.respond(encode({ ok: true } satisfies InstanceReply));
    }, subjects.queue);
  }
  return {
    close() {
      for (const s of subs) s.unsubscribe();
    },
  };
}
