import { Command } from 'commander';
import { SagaSimError } from '../errors.js';
import { buildCatalogue } from '../load/catalogue.js';
import { createOrderSource } from '../load/order-source.js';
import { loadScenarioFile } from '../scenario/load.js';
import { EXIT } from './exit-codes.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check scenario files without running them: schema, thresholds, and scripted products against the catalogue.')
    .argument('<files...>', 'scenario YAML files')
    .addHelpText('after', '\nExamples:\n  $ saga-sim validate scenarios/*.yaml\n\nExit codes: 0 all valid, 2 any invalid (one line per problem on stderr).')
    .action(async (files: string[]) => {
      let invalid = 0;
      for (const file of files) {
        try {
          const scenario = await loadScenarioFile(file);
          createOrderSource(scenario, buildCatalogue(scenario));
          process.stdout.write(`ok  ${file}\n`);
        } catch (error) {
          if (!(error instanceof SagaSimError)) throw error;
          invalid++;
          process.stderr.write(`saga-sim: ${error.message}\n`);
        }
      }
      process.exitCode = invalid === 0 ? EXIT.ok : EXIT.usage;
    });
}
