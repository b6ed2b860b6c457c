import type { Engine } from './events.js';
import { RunEngine } from './run.js';
import type { RunOptions } from './run-options.js';
import { TargetRunEngine } from './target-run.js';

/** The engine for a run: saga-sim's own services, or the user's system when there is a target (--target, or a target: section). */
export function createEngine(options: RunOptions): Engine {
  return options.target !== undefined || options.scenario.target !== undefined ? new TargetRunEngine(options) : new RunEngine(options);
}
