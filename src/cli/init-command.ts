import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { SCENARIO_SCHEMA_PATH } from '../scenario/json-schema.js';
import { STARTER_SCENARIO } from '../scenario/starter.js';
import { dirname, relative, resolve, sep } from 'node:path';

/** Editors with the YAML language server read the schema from this line: completion and checks as you type. */
export function schemaLine(file: string): string {
  const path = relative(dirname(resolve(file)), SCENARIO_SCHEMA_PATH).split(sep).join('/');
  return `# yaml-language-server: $schema=${path}`;
}

export function initCommand(): Command {
  return new Command('init')
    .description('Write a commented starter scenario.')
    .argument('[file]', 'where to write it', 'scenario.yaml')
    .option('--force', 'overwrite an existing file', false)
    .addHelpText('after', '\nExamples:\n  $ saga-sim init\n  $ saga-sim init scenarios/checkout.yaml && saga-sim run scenarios/checkout.yaml')
    .action(async (file: string, flags: { force: boolean }) => {
      try {
        await writeFile(file, `${schemaLine(file)}\n${STARTER_SCENARIO}`, { flag: flags.force ? 'w' : 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${file} exists; pass --force to overwrite it`);
        throw error;
      }
      process.stdout.write(`wrote ${file}; run it with: saga-sim run ${file}\n`);
    });
}
