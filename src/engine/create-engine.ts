import type { Engine } from './events.js';
import { CoordinatorEngine } from './distributed/coordinator-run.js';
import { RunEngine } from './run.js';
import type { RunOptions } from './run-options.js';
import { TargetRunEngine } from './target-run.js';

/** The engine for a run: saga-sim's own services, or the user's system when there is a target (--target, or a target: section). */
export function createEngine(options: RunOptions): Engine {
  if (options.coordinator) return new CoordinatorEngine(options, options.coordinator);
  return options.target !== undefined || options.scenario.target !== undefined ? new TargetRunEngine(options) : new RunEngine(options);
}
