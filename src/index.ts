/** Programmatic API: `import { runScenario } from 'saga-sim'`. */
import { RunEngine, type RunOptions } from './engine/run.js';
import type { Report } from './report/report.js';
import { loadScenarioFile, parseScenario, type ScenarioOverrides } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';

export type { Report } from './report/report.js';
export type { Scenario } from './scenario/schema.js';
export type { EngineEvent, RunSnapshot } from './engine/events.js';
export type { InvariantResult } from './verify/invariants.js';
export * from './errors.js';
export { RunEngine, loadScenarioFile, parseScenario };

export interface RunScenarioOptions extends Omit<RunOptions, 'scenario'> {
  overrides?: ScenarioOverrides;
}

/** Runs a scenario (a file path or a loaded scenario) and resolves with the same report the CLI writes. */
export async function runScenario(scenario: string | Scenario, options: RunScenarioOptions = {}): Promise<Report> {
  const loaded = typeof scenario === 'string' ? await loadScenarioFile(scenario, options.overrides) : scenario;
  return new RunEngine({ ...options, scenario: loaded }).run();
}
