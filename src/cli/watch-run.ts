import chalk from 'chalk';
import { UsageError } from '../errors.js';
import type { Engine, EngineEvent } from '../engine/events.js';

import type { Report } from '../report/report.js';
import { plainProgress } from '../report/progress-lines.js';
import type { Paint } from '../report/summary-text.js';
import type { Interrupts } from './interrupts.js';

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

/** The live views need a terminal on both ends, and are off under CI, --quiet and --no-tui. */
export function wantsTui(flags: DisplayFlags): boolean {
  return flags.tui !== false && !flags.quiet && !inCi() && process.stdout.isTTY === true && process.stdin.isTTY === true;
}

/** Progress and notices go to stderr, so stdout holds only the result. */
export function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Runs an engine with the right display: the live dashboard on a terminal, plain progress lines
 * otherwise. `interrupts` (installed by the caller) stop it as every command does; the terminal is
 * given back on every path.
 */
export async function watchRun(engine: Engine, interrupts: Interrupts, flags: DisplayFlags): Promise<Report> {
  const tui = wantsTui(flags);
  if (!tui && !flags.quiet) engine.subscribe(plainProgress(stderrLine));
  interrupts.watch(engine);
  // The run starts while Ink loads (about half a second); what it emits meanwhile is replayed to the dashboard.
  const events: EngineEvent[] = [];
  const stop = tui ? engine.subscribe((event) => events.push(event)) : () => undefined;
  const running = engine.run();
  running.catch(() => undefined);
  let dashboard: { close(): void } | undefined;
  try {
    if (tui) {
      interrupts.quiet();
      // Loaded only when shown: Ink, React and Yoga add about 45 MB to the process.
      dashboard = (await import('../tui/mount.js')).mountDashboard(engine, () => interrupts.abort.abort(), { events, stop });
    }
    return await running;
  } finally {
    dashboard?.close();
  }
}
