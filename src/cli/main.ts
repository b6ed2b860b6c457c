import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseEnv } from 'node:util';
import { SagaSimError, UsageError } from '../errors.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { benchCommand } from './bench-command.js';
import { cleanCommand } from './clean-command.js';
import { compareCommand } from './compare-command.js';
import { withConnection } from './connection-flags.js';
import { completionCommand } from './completion-command.js';
import { initCommand } from './init-command.js';
import { runCommand } from './run-command.js';
import { sweepCommand } from './sweep-command.js';
import { eventsCommand } from './events-command.js';
import { serviceCommand } from './service-command.js';
import { traceCommand } from './trace-command.js';
import { upCommand } from './up-command.js';
import { validateCommand } from './validate-command.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('saga-sim')
    .description('Order-saga simulator and load tester on a real NATS server.')
    .version(version)
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\nExamples:\n  $ saga-sim run scenarios/mixed-90.yaml\n  $ saga-sim bench scenarios/happy-path.yaml --rate 1000 --duration 30s\n  $ saga-sim sweep scenarios/mixed-90.yaml --param payment.successRate --from 0 --to 1 --step 0.1\n  $ saga-sim up                      # the design's system: HTTP API on 3004, metrics\n  $ saga-sim validate scenarios/*.yaml\n  $ saga-sim init my-scenario.yaml\n  $ saga-sim run --help\n${EXIT_CODES_HELP}`);
  // Every command that talks to NATS takes the same credentials and TLS options.
  const connected = [runCommand(), benchCommand(), sweepCommand(), upCommand(), serviceCommand(), eventsCommand(), traceCommand(), cleanCommand()].map(withConnection);
  for (const command of [...connected, compareCommand(), validateCommand(), initCommand(), completionCommand(() => program)]) program.addCommand(command.exitOverride());
  return program;
}

/**
 * --env-file is read before the flags are parsed, so that its NATS_URL or PAYMENT_SUCCESS_RATE
 * count as environment variables do (a flag still wins). Its values are never printed.
 */
function loadEnvFile(argv: string[]): void {
  const at = argv.findIndex((a) => a === '--env-file' || a.startsWith('--env-file='));
  if (at < 0) return;
  const arg = argv[at] as string;
  const file = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
  if (!file) throw new UsageError('--env-file needs a file, e.g. --env-file .env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--env-file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  // As node --env-file: a variable already in the environment wins.
  for (const [key, value] of Object.entries(parseEnv(text))) process.env[key] ??= value;
}

/** The one place errors become output and exit codes. */
export async function main(argv: string[]): Promise<number> {
  // A reader that went away (`saga-sim … | head`) is not an error: stop quietly, as other tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  const program = buildProgram();
  try {
    loadEnvFile(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message.
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) ? EXIT.ok : EXIT.usage;
    }
    const debug = program.opts<{ debug?: boolean }>().debug === true || argv.includes('--debug');
    if (error instanceof SagaSimError) {
      process.stderr.write(`saga-sim: ${error.message}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const e = error as Error;
    process.stderr.write(`saga-sim: internal error: ${e?.message ?? String(error)}\n`);
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  }
}
