import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from '../../src/scenario/json-schema.js';
import { cli, root } from '../helpers/cli.js';

const shipped = readFileSync(SCENARIO_SCHEMA_PATH, 'utf8');
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(shipped));

describe('the scenario JSON Schema (scenario.schema.json)', () => {
  it('is what the zod schema emits now (npm run schema rewrites it)', () => {
    expect(shipped).toBe(scenarioJsonSchemaText());
  });

  it('accepts every shipped scenario', () => {
    const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(validate(parse(readFileSync(join(root, 'scenarios', file), 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
  });

  it('flags what an editor should: an unknown key, a wrong type, a share above 1', () => {
    expect(validate({ name: 'x', ordres: { count: 10 } })).toBe(false);
    expect(validate({ name: 'x', orders: { count: 'ten' } })).toBe(false);
    expect(validate({ name: 'x', payment: { successRate: 1.5 } })).toBe(false);
  });

  it('saga-sim init writes the yaml-language-server line pointing at it, and the starter validates', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'saga-sim-schema-')), 'checkout.yaml');
    expect((await cli(['init', file])).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const [first] = text.split('\n');
    const path = /^# yaml-language-server: \$schema=(\S+)$/.exec(first ?? '')?.[1] as string;
    expect(resolve(dirname(file), path)).toBe(SCENARIO_SCHEMA_PATH);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });
});
