import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { createEngine } from '../engine/create-engine.js';
import { writeHgrm } from '../report/bench-output.js';
import { runPage } from '../report/html/data.js';
import { writeHtml } from '../report/html/page.js';
import { writeJunit } from '../report/junit.js';
import { writeMarkdown } from '../report/markdown.js';
import { writeJsonReport } from '../report/report.js';
import { METRICS, parseThreshold } from '../verify/thresholds.js';
import { renderSummary } from '../report/summary-text.js';
import { loadScenarioFile } from '../scenario/load.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { Interrupts } from './interrupts.js';
import { duration, integer, positiveInt, positiveNumber } from './options.js';
import { namespaceOf, namespaceOptions, type NamespaceFlags } from './namespace-flags.js';
import { clusterOption, natsUrlOption, scenarioOverrides, servicesOption, targetOption, stackOptions, successRateOption, type ScenarioFlags } from './scenario-flags.js';
import { roleOf, roleOptions, type RoleFlags } from './role-flags.js';
import { paintFor, simulatedPayment, stderrLine, watchRun } from './watch-run.js';

export interface RunFlags extends ScenarioFlags, NamespaceFlags, RoleFlags {
  target?: string;
  embeddedCluster?: number;
  natsUrl?: string;
  keep?: boolean;
  report?: string;
  quiet?: boolean;
  color?: boolean;
  tui?: boolean;
  threshold?: string[];
  junit?: string;
  summary?: string;
  hgrm?: string;
  html?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('Run a scenario: start nats-server (unless --nats-url), the three services, fire orders, wait for every saga, check invariants and print a summary.')
    .argument('<scenario>', 'scenario YAML file, e.g. scenarios/mixed-90.yaml')
    .addOption(natsUrlOption())
    .option('--keep', 'leave the streams on the --nats-url server after the run', false)
    .option('--report <file>', 'write the JSON report to this file')
    .option('--junit <file>', 'write JUnit XML: one testcase per invariant, threshold and expectation')
    .option('--html <file>', 'write one self-contained HTML page of charts: throughput, latency by percentile, outcomes, steps, invariants')
    .option('--hgrm <file>', 'write the corrected latency distribution in HdrHistogram .hgrm format (ms), for its plotter')
    .option('--summary <file>', 'write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--threshold <expr>', 'fail the run unless this holds, e.g. "latency.p99 < 50ms" (repeatable)', collect, [])
    .option('--seed <n>', 'override the scenario seed', integer)
    .option('--orders <n>', 'override orders.count', positiveInt)
    .option('--rate <n>', 'override orders.rate (orders per second)', positiveNumber)
    .option('--duration <d>', 'override orders.duration (e.g. 30s)', duration)
    .option('--max-in-flight <n>', 'override orders.maxInFlight: an arrival finding this many sagas in flight is dropped and counted (open-loop models)', positiveInt)
    .addOption(successRateOption('override payment.successRate (0..1)'));
  for (const option of stackOptions()) command.addOption(option);
  command.addOption(servicesOption());
  command.addOption(targetOption());
  command.addOption(clusterOption());
  for (const option of roleOptions()) command.addOption(option);
  for (const option of namespaceOptions('a fresh run id; with --services external, the services\' (none)')) command.addOption(option);
  return command
    .option('-q, --quiet', 'print only the final summary', false)
    .option('--no-tui', 'plain progress lines instead of the live dashboard (the default when not on a terminal)')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim run scenarios/mixed-90.yaml
  $ saga-sim run scenarios/happy-path.yaml --orders 5000 --rate 1000 --report out.json
  $ saga-sim run scenarios/mixed-90.yaml --nats-url nats://127.0.0.1:4222 --keep
  $ saga-sim run scenarios/stress-50.yaml --no-tui | tee run.log
  $ saga-sim run scenarios/mixed-90.yaml --target http://127.0.0.1:3004 --nats-url nats://127.0.0.1:4222   # your own system
  $ saga-sim run scenarios/crash-payment.yaml            # a worker crash, resumed from KV state
  $ saga-sim run scenarios/mixed-90.yaml --embedded-cluster 3   # a local three-node cluster, streams R3
  $ saga-sim run scenarios/mixed-90.yaml --role coordinator --run-id r1 --generators 2 --nats-url nats://10.0.0.1:4222
  $ saga-sim run scenarios/mixed-90.yaml --role generator --run-id r1 --nats-url nats://10.0.0.1:4222   # on each load machine
  $ saga-sim run scenarios/core-vs-jetstream-loss.yaml --delivery jetstream
  $ PAYMENT_SUCCESS_RATE=0.5 saga-sim run scenarios/mixed-90.yaml --quiet
  $ saga-sim run scenarios/ci-smoke.yaml --junit junit.xml --summary summary.md \\
      --threshold "latency.p99 < 500ms" --threshold "orders.confirmed.ratio >= 50%"

Keys (live dashboard): q or Ctrl-C stop and drain (Ctrl-C again aborts) · p pause/resume
  · + / - rate ±10% · e event tail · ? help

Environment:
  NATS_URL               same as --nats-url (nats://user:pass@host:4222, nats://token@host, tls://…)
  NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_CREDS, NATS_NKEY, NATS_CA, NATS_CERT, NATS_KEY
                         the same as --nats-user … --tls-key (secrets are never printed)
  NATS_SERVER_BIN        nats-server binary to start (default: nats-server on PATH)
  PAYMENT_SUCCESS_RATE   same as --success-rate
  USE_SIMULATED_PAYMENT  "false" makes every payment succeed
  NO_COLOR               disable colours
  GITHUB_STEP_SUMMARY    the Markdown summary is appended to this file

Threshold metrics: ${Object.keys(METRICS).join(', ')}
${EXIT_CODES_HELP}`,
    )
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runAction(file, flags);
    });
}

async function runAction(file: string, flags: RunFlags): Promise<number> {
  const thresholds = (flags.threshold ?? []).map((expression) => {
    try {
      return parseThreshold(expression);
    } catch (error) {
      throw new UsageError(`--threshold: ${(error as Error).message}`);
    }
  });
  const scenario = await loadScenarioFile(file, scenarioOverrides(flags));
  const role = roleOf(flags);

  const paint = paintFor(flags);
  const interrupts = new Interrupts(stderrLine);
  const engine = createEngine({
    scenario,
    natsUrl: flags.natsUrl,
    databaseUrl: flags.databaseUrl,
    keep: flags.keep,
    simulatedPayment: simulatedPayment(),
    thresholds,
    heap: flags.heap,
    services: flags.services,
    target: flags.target,
    cluster: flags.embeddedCluster,
    namespace: namespaceOf(flags),
    ...role,
    signal: interrupts.signal,
  });
  const report = await interrupts.around(() => watchRun(engine, interrupts, flags));
  if (flags.report) await writeJsonReport(flags.report, report);
  if (flags.junit) await writeJunit(flags.junit, report);
  if (flags.summary) await writeMarkdown(flags.summary, report);
  if (flags.hgrm) await writeHgrm(flags.hgrm, report);
  if (flags.html) await writeHtml(flags.html, runPage(report, `saga-sim run: ${report.scenario.name}`));
  if (process.env.GITHUB_STEP_SUMMARY) await writeMarkdown(process.env.GITHUB_STEP_SUMMARY, report, true);
  process.stdout.write(`${renderSummary(report, paint, flags.report)}\n`);
  if (report.interrupted) return EXIT.interrupted;
  return report.passed ? EXIT.ok : EXIT.failed;
}
