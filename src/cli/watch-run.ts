import chalk from 'chalk';
import { UsageError } from '../errors.js';
import type { RunEngine } from '../engine/run.js';
import type { Report } from '../report/report.js';
import { plainProgress } from '../report/progress-lines.js';
import type { Paint } from '../report/summary-text.js';

export interface DisplayFlags {
  quiet?: boolean;
  color?: boolean;
  tui?: boolean;
}

/** Colours for stdout: on a terminal, unless NO_COLOR or --no-color. Also sets the level Ink uses. */
export function paintFor(flags: DisplayFlags): Paint {
  const useColor = flags.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  chalk.level = useColor ? chalk.level || 1 : 0;
  return { ok: chalk.green, bad: chalk.red.bold, dim: chalk.dim, bold: chalk.bold };
}

/** USE_SIMULATED_PAYMENT: unset or "true" simulates; "false" makes every payment succeed. */
export function simulatedPayment(): boolean {
  const value = process.env.USE_SIMULATED_PAYMENT;
  if (value !== undefined && !['true', 'false'].includes(value)) {
    throw new UsageError(`USE_SIMULATED_PAYMENT must be "true" or "false", got "${value}"`);
  }
  return value !== 'false';
}

/** In CI (CI set, as CI services do) plain lines are right even on a pseudo-terminal; Ink would also hold back every frame but the last. */
function inCi(): boolean {
  return process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI);
}

/**
 * Runs an engine with the right display (live dashboard on a terminal, plain lines otherwise)
 * and the signal handling every command shares: the first Ctrl-C drains, the second aborts, a
 * lost terminal aborts. The terminal is given back on every path.
 */
/** The live views need a terminal on both ends, and are off under CI, --quiet and --no-tui. */
export function wantsTui(flags: DisplayFlags): boolean {
  return flags.tui !== false && !flags.quiet && !inCi() && process.stdout.isTTY === true && process.stdin.isTTY === true;
}

export async function watchRun(engine: RunEngine, abort: AbortController, flags: DisplayFlags): Promise<Report> {
  const tui = wantsTui(flags);
  // Loaded only when shown: Ink, React and Yoga add about 45 MB to the process.
  const dashboard = tui ? (await import('../tui/mount.js')).mountDashboard(engine, () => abort.abort()) : undefined;
  if (!tui && !flags.quiet) engine.subscribe(plainProgress((line) => process.stderr.write(`${line}\n`)));
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      if (!tui) process.stderr.write('stopping the load and draining sagas in flight (Ctrl-C again to abort)\n');
      engine.stopLoad();
    } else abort.abort();
  };
  const onSighup = () => abort.abort();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  process.on('SIGHUP', onSighup);
  try {
    return await engine.run();
  } finally {
    dashboard?.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.off('SIGHUP', onSighup);
  }
}
