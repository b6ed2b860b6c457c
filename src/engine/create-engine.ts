import type { Engine } from './events.js';
import { RunEngine } from './run.js';
import type { RunOptions } from './run-options.js';
import { TargetRunEngine } from './target-run.js';

/** The engine for a run: saga-sim's own services, or the user's system when there is a target (--target or target.url). */
export function createEngine(options: RunOptions): Engine {
  const target = options.target ?? options.scenario.target?.url;
  return target ? new TargetRunEngine({ ...options, target }) : new RunEngine(options);
}
