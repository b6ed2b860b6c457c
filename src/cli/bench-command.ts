import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { startEmbeddedCluster } from '../broker/embedded-cluster.js';
import { startEmbeddedServer, withNatsServer, type EmbeddedServer } from '../broker/embedded-server.js';
import { createEngine } from '../engine/create-engine.js';
import { UsageError } from '../errors.js';
import { DEFAULT_BASELINE_SECONDS, measureBaseline, sagaMessagesPerSecond } from '../experiment/baseline.js';
import { findMax, judge } from '../experiment/find-max.js';
import type { Report } from '../report/report.js';
import { curvePage, runPage } from '../report/html/data.js';
import { writeHtml } from '../report/html/page.js';
import { plainProgress } from '../report/progress-lines.js';
import { renderBaseline, renderBench, renderCurve, writeHgrm, type BaselineResult } from '../report/bench-output.js';
import { parseDuration } from '../scenario/duration.js';
import { parseScenario, readScenarioText, type ScenarioOverrides } from '../scenario/load.js';
import { parseThreshold, type Threshold } from '../verify/thresholds.js';
import { EXIT } from './exit-codes.js';
import { Interrupts } from './interrupts.js';
import { duration, positiveInt, positiveNumber } from './options.js';
import { namespaceOf, namespaceOptions, type NamespaceFlags } from './namespace-flags.js';
import { clusterOption, natsUrlOption, scenarioOverrides, servicesOption, targetOption, stackOptions, type ScenarioFlags } from './scenario-flags.js';
import { roleOf, roleOptions, type RoleFlags } from './role-flags.js';
import { paintFor, simulatedPayment, stderrLine, watchRun } from './watch-run.js';

interface BenchFlags extends ScenarioFlags, NamespaceFlags, RoleFlags {
  target?: string;
  embeddedCluster?: number;
  duration: string;
  warmup: string;
  findMax?: boolean;
  slo?: string;
  natsUrl?: string;
  json?: string;
  hgrm?: string;
  html?: string;
  baseline?: boolean;
  quiet?: boolean;
  color?: boolean;
  tui?: boolean;
}

export const DEFAULT_BENCH_RATE = 500;

export function benchCommand(): Command {
  const command = new Command('bench')
    .description('Measure: a fixed-rate run reporting achieved sagas/s, corrected and uncorrected latency, CPU and RSS; or --find-max, the highest rate that holds an SLO.')
    .argument('<scenario>', 'scenario YAML file (its order shape, catalogue and payment rate are used)')
    .option('--rate <n>', `orders per second (the start rate with --find-max; default ${DEFAULT_BENCH_RATE})`, positiveNumber)
    .option('--duration <d>', 'how long to place orders (per step with --find-max)', duration, '30s')
    .option('--max-in-flight <n>', 'drop (and count) an arrival that finds this many sagas in flight, as k6 drops iterations; default: never drop, send late', positiveInt)
    .option('--warmup <d>', 'the rate ramps up from 0 over this first stretch (constant-rate scenarios); its orders count for outcomes but not for latency or throughput', duration, '2s')
    .option('--find-max', 'step the rate up (×1.5), then bisect, until the SLO breaks or achieved < 95% of offered', false)
    .option('--slo <expr>', 'with --find-max, e.g. "p99<20ms" (any threshold expression)');
  for (const option of stackOptions()) command.addOption(option);
  command.addOption(servicesOption());
  command.addOption(targetOption());
  command.addOption(clusterOption());
  for (const option of roleOptions()) command.addOption(option);
  for (const option of namespaceOptions('a fresh run id per run; with --services external, the services\' (none)')) command.addOption(option);
  return command
    .addOption(natsUrlOption())
    .option('--baseline', 'also measure the raw broker on the same server (core pub→sub, JetStream publish) and report the ratio', false)
    .option('--json <file>', 'write the results (and the full report of a fixed-rate run) as JSON')
    .option('--html <file>', 'write one self-contained HTML page of charts (with --find-max: the rate → p50/p99 curve)')
    .option('--hgrm <file>', 'write the corrected latency distribution in HdrHistogram .hgrm format (ms)')
    .option('-q, --quiet', 'print only the results', false)
    .option('--no-tui', 'plain progress lines instead of the live dashboard')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim bench scenarios/happy-path.yaml --rate 1000 --duration 60s --json bench.json --hgrm bench.hgrm
  $ saga-sim bench scenarios/happy-path.yaml --find-max --slo "p99<50ms" --duration 10s
  $ saga-sim bench scenarios/happy-path.yaml --rate 3000 --state memory --acks single   # without durable state
  $ saga-sim bench scenarios/happy-path.yaml --rate 3000 --duration 6m --heap lean      # a soak run: RSS over time
  $ saga-sim bench scenarios/happy-path.yaml --rate 8000 --max-in-flight 500            # overload: count drops, not a growing backlog
  $ saga-sim bench scenarios/happy-path.yaml --rate 2000 --role coordinator --run-id b1 --generators 2 --nats-url nats://10.0.0.1:4222
  $ saga-sim bench scenarios/happy-path.yaml --rate 2000 --role generator --run-id b1 --nats-url nats://10.0.0.1:4222   # on each load machine
  $ saga-sim bench scenarios/mixed-90.yaml --target http://127.0.0.1:3004 --nats-url nats://127.0.0.1:4222 --find-max   # your own system

Exit codes: 0 measured (and, with --find-max, some rate was sustained) · 1 the run broke an invariant
or no rate was sustained · 2 usage or scenario error · 3 infrastructure error · 130 interrupted`,
    )
    .action(async (file: string, flags: BenchFlags) => {
      const interrupts = new Interrupts(stderrLine);
      process.exitCode = await interrupts.around(() => benchAction(file, flags, interrupts));
    });
}

async function benchAction(file: string, flags: BenchFlags, interrupts: Interrupts): Promise<number> {
  const text = await readScenarioText(file);
  const slo = flags.slo ? parseSlo(flags.slo) : undefined;
  if (slo && !flags.findMax) throw new UsageError('--slo goes with --find-max');
  const warmupMs = parseDuration(flags.warmup) ?? 0;
  if (warmupMs >= (parseDuration(flags.duration) ?? 0)) {
    throw new UsageError(`--warmup (${flags.warmup}) must be shorter than --duration (${flags.duration}); nothing would be measured`);
  }
  // The rate is set per step below; the duration is always the flag's.
  const base: ScenarioOverrides = { ...scenarioOverrides({ ...flags, rate: undefined }), 'orders.count': undefined, script: [] };
  // A constant rate from a cold start queues thousands of orders while four threads and the broker
  // warm up, and the measured part inherits that queue (6,000/s: p50 from 8 ms to 1.7 s by round).
  // So the warm-up ramps from 0 to the rate, as k6's ramping-arrival-rate would; other models keep their shape.
  const ramp = warmupMs > 0 && parseScenario(text, file, base).load.model === 'constant';
  const scenarioAt = (rate: number) =>
    parseScenario(text, file, { ...base, 'orders.rate': rate, ...(ramp ? { load: { model: 'ramping', startRate: 0, stages: [{ duration: `${warmupMs}ms`, target: rate }] } } : {}) });
  const rate = flags.rate ?? DEFAULT_BENCH_RATE;
  const role = roleOf(flags);
  if (flags.role && (flags.findMax || flags.baseline)) throw new UsageError(`--role ${flags.role} measures one fixed rate across machines; drop ${flags.findMax ? '--find-max' : '--baseline'}`);
  const paint = paintFor(flags);
  const simulated = simulatedPayment();

  if (!flags.findMax) {
    let server: EmbeddedServer | undefined;
    const natsUrl = flags.natsUrl ?? (flags.baseline ? (server = await startEmbeddedServer()).url : undefined);
    try {
      const engine = createEngine({ scenario: scenarioAt(rate), target: flags.target, cluster: flags.embeddedCluster, natsUrl, monitored: server, simulatedPayment: simulated, databaseUrl: flags.databaseUrl, warmupMs, heap: flags.heap, services: flags.services, namespace: namespaceOf(flags), ...role, signal: interrupts.signal });
      const report = await watchRun(engine, interrupts, flags);
      process.stdout.write(`${renderBench(report, rate)}\n`);
      const baseline = flags.baseline && natsUrl ? await baselineFor(natsUrl, report, flags.quiet) : undefined;
      if (baseline) process.stdout.write(`${renderBaseline(baseline)}\n`);
      if (flags.json) await writeFile(flags.json, `${JSON.stringify({ mode: 'fixed-rate', rate, baseline: baseline ?? null, report }, null, 2)}\n`);
      if (flags.hgrm) await writeHgrm(flags.hgrm, report);
      if (flags.html) await writeHtml(flags.html, runPage(report, `saga-sim bench: ${report.scenario.name} at ${rate}/s`));
      if (report.interrupted) return EXIT.interrupted;
      return report.passed ? EXIT.ok : EXIT.failed;
    } finally {
      await server?.stop();
    }
  }

  const onServer = <T>(fn: (url: string, server?: EmbeddedServer) => Promise<T>) => (flags.embeddedCluster ? withCluster(flags.embeddedCluster, fn) : withNatsServer(flags.natsUrl, fn));
  return onServer(async (natsUrl, server) => {
    const measure = async (stepRate: number) => {
      if (!flags.quiet) process.stderr.write(`trying ${stepRate}/s for ${flags.duration}…\n`);
      const where = flags.embeddedCluster ? { server, keep: false } : { natsUrl, monitored: server };
      const engine = createEngine({ scenario: scenarioAt(stepRate), target: flags.target, ...where, simulatedPayment: simulated, databaseUrl: flags.databaseUrl, warmupMs, heap: flags.heap, services: flags.services, namespace: namespaceOf(flags), signal: interrupts.signal });
      interrupts.watch(engine);
      if (!flags.quiet) engine.subscribe(plainProgress((line) => stderrLine(`  ${line}`)));
      const report = await engine.run();
      const point = judge(stepRate, report, slo);
      if (!flags.quiet) process.stderr.write(`  achieved ${point.achieved} sagas/s, p50 ${point.p50} ms, p99 ${point.p99} ms: ${point.sustained ? 'sustained' : `not sustained (${point.why})`}\n`);
      return point;
    };
    const { best, curve } = await findMax(rate, measure, { stopped: () => interrupts.stopping });
    process.stdout.write(`${paint.bold(`find-max: ${parseScenario(text, file, base).name}${slo ? `, SLO ${slo.expression}` : ''}`)}\n${renderCurve(curve, best)}\n`);
    if (flags.html) await writeHtml(flags.html, curvePage(curve, best, `saga-sim bench --find-max: ${parseScenario(text, file, base).name}${slo ? `, SLO ${slo.expression}` : ''}`));
    if (flags.json) await writeFile(flags.json, `${JSON.stringify({ mode: 'find-max', slo: slo?.expression ?? null, best: best ?? null, curve }, null, 2)}\n`);
    if (interrupts.stopping) return EXIT.interrupted;
    return best ? EXIT.ok : EXIT.failed;
  });
}

async function baselineFor(natsUrl: string, report: Report, quiet?: boolean): Promise<BaselineResult> {
  if (!quiet) process.stderr.write(`measuring the raw broker for ${DEFAULT_BASELINE_SECONDS}s + ${DEFAULT_BASELINE_SECONDS}s…\n`);
  const raw = await measureBaseline(natsUrl);
  const sagaMessages = sagaMessagesPerSecond(report.events.byType, report.throughput.sagasPerSecond, report.orders.total - report.orders.pending);
  // The yardstick is the raw rate of the same delivery: JetStream publishes, or core messages.
  const yardstick = report.delivery === 'core' ? raw.coreMsgsPerSecond : raw.jetstreamPublishesPerSecond;
  return { ...raw, delivery: report.delivery, sagaMessagesPerSecond: sagaMessages, ratio: Math.round((sagaMessages / yardstick) * 1000) / 1000 };
}

/** "p99<20ms" is short for "latency.p99 < 20ms"; any threshold expression works. */
function parseSlo(text: string): Threshold {
  const expression = /^\s*p\d/.test(text) ? `latency.${text.trim()}` : text;
  try {
    return parseThreshold(expression);
  } catch (error) {
    throw new UsageError(`--slo: ${(error as Error).message}`);
  }
}

/** One embedded cluster for every find-max step, stopped after. */
async function withCluster<T>(nodes: number, fn: (url: string, server?: EmbeddedServer) => Promise<T>): Promise<T> {
  const cluster = await startEmbeddedCluster(nodes);
  try {
    return await fn(cluster.url, cluster);
  } finally {
    await cluster.stop();
  }
}
