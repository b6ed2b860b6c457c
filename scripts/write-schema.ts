// Writes scenario.schema.json from the zod schema: npm run schema. A test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from '../src/scenario/json-schema.js';

writeFileSync(SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText());
process.stdout.write(`wrote ${SCENARIO_SCHEMA_PATH}\n`);
