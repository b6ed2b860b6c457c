import type { Engine } from './events.js';

/**
 * How a command that runs engines one after another (a sweep's points, find-max's steps) is
 * stopped early: the running engine stops its load and drains, and no next one starts.
 */
export interface SeriesControl {
  /** A stop was asked for: start nothing new. */
  readonly stopping: boolean;
  /** The engine now running, which a stop reaches. */
  watch(engine: Engine): void;
}
