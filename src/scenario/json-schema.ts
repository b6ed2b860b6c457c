import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/** Where the package ships the schema (written by `npm run schema`, checked by a test). */
export const SCENARIO_SCHEMA_PATH = fileURLToPath(new URL('../../scenario.schema.json', import.meta.url));

/**
 * The scenario schema as JSON Schema (2020-12), for editors: `# yaml-language-server: $schema=…`
 * at the top of a scenario file gives completion and checks. Input shape: keys with defaults are
 * optional, and what JSON Schema cannot say (durations such as "30s" read as ms) accepts any value.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'urn:saga-sim:scenario', title: 'saga-sim scenario', description: 'A saga-sim scenario file (saga-sim run <file>)' };
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
