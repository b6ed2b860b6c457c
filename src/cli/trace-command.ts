import { redactUrl } from '../broker/credentials.js';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Command } from 'commander';
import { connectBroker } from '../broker/connection.js';
import { RunNames, STREAM_ROOT } from '../broker/names.js';
import { BrokerUnavailableError } from '../errors.js';
import { decodeEvent } from '../events/codec.js';
import type { SagaEvent } from '../events/schema.js';
import { traceLines } from '../report/event-lines.js';
import { EXIT } from './exit-codes.js';
import { watchedServerOption } from './events-command.js';
import { namespaceOption } from './namespace-flags.js';

interface TraceFlags {
  natsUrl: string;
  namespace?: string;
  json?: boolean;
}

export function traceCommand(): Command {
  return new Command('trace')
    .description('One saga\'s timeline from the events stream: each event, the time since the order was created, and the gap between steps.')
    .argument('<orderId>', 'the order, e.g. the orderId a POST /orders answered')
    .addOption(watchedServerOption())
    .addOption(namespaceOption("none, the design's (SAGA_SIM_EVENTS); a run's is in its report"))
    .option('--json', 'the events as JSON', false)
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim trace 08c14028-4d67-470f-8791-57100d8ff6b3
  $ saga-sim trace ord-000042 --nats-url nats://127.0.0.1:4222 --namespace k3j9x2a1 --json

Reads the JetStream events stream (SAGA_SIM_EVENTS, or SAGA_SIM_EVENTS_<namespace>) from its start, so it needs JetStream delivery (core keeps
no stream). Exit codes: 0 found · 1 no event of that order in the stream · 3 no server or no stream.`,
    )
    .action(async (orderId: string, flags: TraceFlags) => {
      process.exitCode = await traceAction(orderId, flags);
    });
}

async function traceAction(orderId: string, flags: TraceFlags): Promise<number> {
  const nc = await connectBroker(flags.natsUrl, 'saga-sim-trace');
  try {
    const jsm = await jetstreamManager(nc);
    const stream = new RunNames({ id: flags.namespace ?? '', subjectPrefix: '' }).eventsStream;
    const info = await jsm.streams.info(stream).catch(async () => {
      const others: string[] = [];
      for await (const name of jsm.streams.names()) if (name.startsWith(`${STREAM_ROOT}EVENTS_`)) others.push(name.slice(`${STREAM_ROOT}EVENTS_`.length));
      const hint = others.length > 0 ? `; namespaces there: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''} (--namespace)` : ': is a saga-sim run or up using JetStream delivery there?';
      throw new BrokerUnavailableError(`no ${stream} stream on ${redactUrl(flags.natsUrl)}${hint}`);
    });
    // The stream's subjects carry the run's prefix, if it had one.
    const names = new RunNames({ id: flags.namespace ?? '', subjectPrefix: (info.config.subjects[0] ?? '').replace(/order\.created\.v1$/, '') });
    const last = info.state.last_seq;
    const found: { event: SagaEvent; at: Date; seq: number }[] = [];
    if (last > 0) {
      const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
      const messages = await consumer.consume();
      for await (const m of messages) {
        try {
          const event = decodeEvent(m.data, names.typeOf(m.subject));
          if (event.orderId === orderId) found.push({ event, at: new Date(Math.round(m.info.timestampNanos / 1e6)), seq: m.seq });
        } catch {
          // Not a valid event: not this order's.
        }
        if (m.seq >= last || m.info.pending === 0) break;
      }
      await messages.close();
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(found.map((f) => ({ seq: f.seq, at: f.at.toISOString(), ...f.event })), null, 2)}\n`);
    else process.stdout.write(`${traceLines(orderId, found).join('\n')}\n`);
    return found.length > 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await nc.close();
  }
}
