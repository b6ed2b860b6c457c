import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { sweepValues, SUGGESTED_PARAMS } from '../experiment/params.js';
import { runSweep } from '../experiment/sweep.js';
import { plainProgress } from '../report/progress-lines.js';
import { sweepPage } from '../report/html/data.js';
import { writeHtml } from '../report/html/page.js';
import { renderSweepChart, renderSweepTable, writeSweepFiles } from '../report/sweep-output.js';
import { parseScenario, readScenarioText } from '../scenario/load.js';
import { EXIT } from './exit-codes.js';
import { positiveInt, positiveNumber } from './options.js';
import { Interrupts } from './interrupts.js';
import { namespaceOf, namespaceOption, subjectPrefixOption } from './namespace-flags.js';
import { natsUrlOption, databaseUrlOption, scenarioOverrides } from './scenario-flags.js';
import { paintFor, simulatedPayment, stderrLine, wantsTui } from './watch-run.js';

interface SweepFlags {
  param?: string;
  values?: number[];
  from?: number;
  to?: number;
  step?: number;
  orders?: number;
  rate?: number;
  natsUrl?: string;
  databaseUrl?: string;
  namespace?: string;
  subjectPrefix?: string;
  csv?: string;
  json?: string;
  html?: string;
  strict?: boolean;
  quiet?: boolean;
  color?: boolean;
  tui?: boolean;
}

function numberList(value: string): number[] {
  const values = value.split(',').map((v) => Number(v.trim()));
  if (values.some((v, i) => !Number.isFinite(v) || value.split(',')[i]?.trim() === '')) {
    throw new UsageError(`--values: expected numbers separated by commas, got "${value}"`);
  }
  return values;
}

function finite(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`expected a number, got "${value}"`);
  return n;
}

export function sweepCommand(): Command {
  return new Command('sweep')
    .description('Run a scenario once per value of one parameter, each with fresh state and the same seed; compare the confirmed share with a 95% interval and the model.')
    .argument('<scenario>', 'scenario YAML file')
    .option('--param <key>', `the scenario key to sweep, e.g. ${SUGGESTED_PARAMS.slice(0, 3).join(', ')}`)
    .option('--values <list>', 'comma-separated values, e.g. 0,0.25,0.5,0.75,1', numberList)
    .option('--from <n>', 'first value (with --to and --step)', finite)
    .option('--to <n>', 'last value', finite)
    .option('--step <n>', 'step between values', finite)
    .option('--orders <n>', 'override orders.count at every point', positiveInt)
    .option('--rate <n>', 'override orders.rate at every point', positiveNumber)
    .addOption(natsUrlOption())
    .addOption(databaseUrlOption())
    .addOption(namespaceOption('a fresh run id per point'))
    .addOption(subjectPrefixOption())
    .option('--csv <file>', 'write one CSV row per point')
    .option('--json <file>', 'write one JSON object per point')
    .option('--html <file>', 'write one self-contained HTML page: the confirmed share with its 95% interval against the expected share')
    .option('--strict', 'also exit 1 when a point’s interval misses the expected share', false)
    .option('-q, --quiet', 'print only the table and chart', false)
    .option('--no-tui', 'plain progress lines instead of the live view')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim sweep scenarios/mixed-90.yaml --param payment.successRate --from 0 --to 1 --step 0.1 --orders 2000
  $ saga-sim sweep scenarios/mixed-90.yaml --param stock.demandMultiple --values 0.25,0.5,1,2 --csv stock.csv
  $ saga-sim sweep scenarios/sweep-success-rate.yaml --json sweep.json --strict

Parameters: any numeric scenario key (dotted), or stock.demandMultiple (stock as a multiple of the
expected demand per product). Suggested: ${SUGGESTED_PARAMS.join(', ')}.

Exit codes: 0 all points passed · 1 a point broke an invariant (or, with --strict, missed the
expected share) · 2 usage or scenario error · 3 infrastructure error · 130 interrupted`,
    )
    .action(async (file: string, flags: SweepFlags) => {
      process.exitCode = await sweepAction(file, flags);
    });
}

/** The scenario's name, for a page title. */
function declaredName(text: string, file: string): string {
  return parseScenario(text, file).name;
}

async function sweepAction(file: string, flags: SweepFlags): Promise<number> {
  const text = await readScenarioText(file);
  const overrides = scenarioOverrides(flags);
  const declared = parseScenario(text, file, overrides).sweep;
  const param = flags.param ?? declared?.param;
  if (!param) throw new UsageError('name the parameter with --param (or a sweep: section in the scenario)');
  const range = flags.values || flags.from !== undefined ? flags : flags.param ? flags : declared ?? {};
  if (!range.values && (range.from === undefined || range.to === undefined || range.step === undefined)) {
    throw new UsageError('give --values, or --from, --to and --step');
  }
  const spec = { param, values: sweepValues(range) };

  const paint = paintFor(flags);
  // Ink and React load only when the view is shown (see watch-run).
  const view = wantsTui(flags) ? (await import('../tui/sweep/mount.js')).mountSweepView(param, spec.values) : undefined;
  const log = stderrLine;
  const interrupts = new Interrupts(view ? undefined : log);
  try {
    const points = await interrupts.around(() => runSweep({
      text,
      file,
      overrides,
      spec,
      natsUrl: flags.natsUrl,
      databaseUrl: flags.databaseUrl,
      namespace: namespaceOf(flags),
      simulatedPayment: simulatedPayment(),
      signal: interrupts.signal,
      control: interrupts,
      onPointStart: (index, value) => {
        if (view) return view.pointStart(index, value);
        if (flags.quiet) return undefined;
        log(`point ${index + 1}/${spec.values.length}: ${param} = ${value}`);
        return plainProgress((line) => log(`  ${line}`));
      },
      onPoint: (p, index) => {
        view?.pointDone(p);
        if (flags.quiet || view) return;
        const expected = p.expected === null ? 'no model' : `expected ${p.expected.toFixed(3)}`;
        log(`point ${index + 1}/${spec.values.length}: ${param} = ${p.value}: confirmed ${p.confirmed}/${p.orders} = ${p.share.confirmed.toFixed(3)} [${p.ci[0].toFixed(3)}, ${p.ci[1].toFixed(3)}], ${expected}${p.flagged ? ' (outside)' : ''}, invariants ${p.invariantsPassed ? 'pass' : 'FAIL'}`);
      },
    }));
    view?.close();
    await writeSweepFiles(points, { csv: flags.csv, json: flags.json });
    if (flags.html) await writeHtml(flags.html, sweepPage(param, points, `saga-sim sweep: ${declaredName(text, file)} over ${param}`));
    process.stdout.write(`${renderSweepTable(points, paint)}\n\n${renderSweepChart(points)}\n`);
    const broken = points.filter((p) => !p.invariantsPassed).length;
    const flagged = points.filter((p) => p.flagged).length;
    const stopped = interrupts.stopping ? ` · interrupted after ${points.length} of ${spec.values.length}` : '';
    process.stdout.write(`\n${points.length} points · ${broken} broke an invariant · ${flagged} outside the expected share${flags.strict ? ' (strict)' : ''}${stopped}\n`);
    if (interrupts.stopping) return EXIT.interrupted;
    return broken > 0 || (flags.strict && flagged > 0) ? EXIT.failed : EXIT.ok;
  } finally {
    view?.close();
  }
}
