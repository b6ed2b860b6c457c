import { redactUrl } from '../broker/credentials.js';
import chalk from 'chalk';
import { Command, Option } from 'commander';
import { connectBroker } from '../broker/connection.js';
import { decodeEvent } from '../events/codec.js';
import { RunNames } from '../broker/names.js';
import { EVENT_TYPES } from '../events/subjects.js';
import { subjectPrefixOption } from './namespace-flags.js';
import { eventJson, eventLine, type EventKind } from '../report/event-lines.js';
import { EXIT } from './exit-codes.js';
import { Interrupts } from './interrupts.js';
import { paintFor } from './watch-run.js';

interface EventsFlags {
  natsUrl: string;
  subjectPrefix?: string;
  order?: string;
  json?: boolean;
  color?: boolean;
}

const EVENT_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

/** --nats-url for the commands that watch a server (events, trace): default the local one, as the nats CLI does. */
export function watchedServerOption(): Option {
  return new Option('--nats-url <url>', 'the NATS server to watch').env('NATS_URL').default('nats://127.0.0.1:4222');
}

export function eventsCommand(): Command {
  return new Command('events')
    .description('Live tail of saga events, like nats sub ">" but readable: time, order, event and its key fields, coloured by kind.')
    .argument('[subject-pattern]', 'NATS subject pattern, e.g. "payment.>" (default: the ten saga subjects)')
    .addOption(watchedServerOption())
    .addOption(subjectPrefixOption())
    .option('--order <id>', 'only this order\'s events')
    .option('--json', 'one JSON line per event', false)
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim events                                  # everything the saga publishes, on nats://127.0.0.1:4222
  $ saga-sim events "payment.>" --nats-url nats://127.0.0.1:4222
  $ saga-sim events --order 08c14028-4d67-470f-8791-57100d8ff6b3
  $ saga-sim events --json | jq .type

Colours: created (cyan), a step that succeeded (green), a failure (red), a compensation (yellow).
Messages on other subjects a pattern matches are shown by subject and size. Ctrl-C stops (exit 0).`,
    )
    .action(async (pattern: string | undefined, flags: EventsFlags) => {
      process.exitCode = await eventsAction(pattern, flags);
    });
}

async function eventsAction(pattern: string | undefined, flags: EventsFlags): Promise<number> {
  paintFor(flags);
  const colour: Record<EventKind, (t: string) => string> = { start: chalk.cyan, success: chalk.green, failure: chalk.red, compensation: chalk.yellow };
  const paint = (kind: EventKind, text: string) => colour[kind](text);
  const nc = await connectBroker(flags.natsUrl, 'saga-sim-events');
  const interrupts = new Interrupts();
  const write = (line: string): void => void process.stdout.write(`${line}\n`);
  const names = new RunNames({ id: '', subjectPrefix: flags.subjectPrefix ?? '' });
  const show = (subject: string, data: Uint8Array): void => {
    const at = new Date();
    const type = names.typeOf(subject);
    if (!EVENT_SET.has(type) || names.subject(type as (typeof EVENT_TYPES)[number]) !== subject) {
      if (flags.order) return;
      return write(flags.json ? JSON.stringify({ at: at.toISOString(), subject, bytes: data.byteLength }) : chalk.dim(`${at.toISOString().slice(11, 23)}  ${subject}  (${data.byteLength} bytes)`));
    }
    try {
      const event = decodeEvent(data, type);
      if (flags.order && event.orderId !== flags.order) return;
      write(flags.json ? eventJson(event, at, subject) : eventLine(event, at, paint));
    } catch (error) {
      if (!flags.order) write(flags.json ? JSON.stringify({ at: at.toISOString(), subject, invalid: (error as Error).message }) : chalk.red(`${at.toISOString().slice(11, 23)}  ${subject}  invalid: ${(error as Error).message}`));
    }
  };
  const subjects = pattern ? [pattern] : names.eventSubjects;
  const subs = subjects.map((subject) => nc.subscribe(subject, { callback: (_e, msg) => void show(msg.subject, msg.data) }));
  await nc.flush();
  process.stderr.write(`watching ${pattern ?? 'the saga subjects'} on ${redactUrl(flags.natsUrl as string)}${flags.order ? ` for order ${flags.order}` : ''} (Ctrl-C stops)\n`);
  return interrupts.around(async () => {
    await Promise.race([interrupts.asked, nc.closed()]);
    for (const s of subs) s.unsubscribe();
    await nc.close();
    return EXIT.ok;
  });
}
