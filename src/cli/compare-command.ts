import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { compareReports, NOISE_RULES, reportOf } from '../experiment/compare.js';
import { renderComparison, settingsOf } from '../report/compare-output.js';
import { writeHtml } from '../report/html/page.js';
import { EXIT } from './exit-codes.js';
import { paintFor } from './watch-run.js';

export function compareCommand(): Command {
  return new Command('compare')
    .description('Compare run reports side by side: each figure\'s change against the first, marked when it is beyond the run-to-run noise.')
    .argument('<reports...>', 'JSON reports (run --report, bench --json); the first is the baseline')
    .option('--json', 'the comparison as JSON on stdout', false)
    .option('--html <file>', 'also write the comparison as a self-contained HTML page')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim run scenarios/happy-path.yaml --state kv --report kv.json
  $ saga-sim run scenarios/happy-path.yaml --state memory --report memory.json
  $ saga-sim compare kv.json memory.json
  $ saga-sim compare base.json after.json --json | jq '.figures[] | select(.flagged[1])'

When a change counts (marked *):
${Object.values(NOISE_RULES)
  .map((r) => `  - ${r}`)
  .join('\n')}

Exit codes: 0 compared · 2 a file missing or not a report`,
    )
    .action(async (files: string[], flags: { json?: boolean; html?: string; color?: boolean }) => {
      if (files.length < 2) throw new UsageError('compare needs at least two reports: the baseline, then one or more to compare with it');
      const reports = await Promise.all(
        files.map(async (file) => {
          let text: string;
          try {
            text = await readFile(file, 'utf8');
          } catch {
            throw new UsageError(`${file}: cannot read it (does it exist?)`);
          }
          try {
            return reportOf(JSON.parse(text), file);
          } catch (error) {
            throw new UsageError(error instanceof SyntaxError ? `${file}: not JSON (${error.message})` : (error as Error).message);
          }
        }),
      );
      const figures = compareReports(reports);
      if (flags.html) {
        await writeHtml(flags.html, { kind: 'compare', title: `saga-sim compare: ${files.length} reports`, files, settings: reports.map(settingsOf), figures, rules: Object.values(NOISE_RULES) });
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ files, figures, rules: NOISE_RULES }, null, 2)}\n`);
      else process.stdout.write(`${renderComparison(files, reports, figures, paintFor(flags))}\n`);
      process.exitCode = EXIT.ok;
    });
}
