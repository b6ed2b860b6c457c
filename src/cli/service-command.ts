import { redactUrl } from '../broker/credentials.js';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { connectBroker } from '../broker/connection.js';
import { Cleanups } from '../engine/cleanups.js';
import { provisionRun } from '../engine/provision.js';
import { workerConfig } from '../engine/worker-config.js';
import { UsageError } from '../errors.js';
import { buildCatalogue, stockOf } from '../load/catalogue.js';
import { createOrderSource } from '../load/order-source.js';
import { loadServedScenario } from '../scenario/up-defaults.js';
import type { LogFormat, LogLevel } from '../services/host/log.js';
import { startServiceHost } from '../services/host/service-host.js';
import { serveControl } from '../services/remote/responder.js';
import { SERVICE_NAMES, type ServiceName } from '../services/service.js';
import { EXIT } from './exit-codes.js';
import { designNamespaceOf, namespaceOptions, type NamespaceFlags } from './namespace-flags.js';
import { RunNames } from '../broker/names.js';
import { currentOwner } from '../broker/owner.js';
import { Interrupts } from './interrupts.js';
import { logOptions } from './options.js';
import { databaseOf, natsUrlOption, scenarioOverrides, stackOptions, successRateOption, type ScenarioFlags } from './scenario-flags.js';
import { simulatedPayment, stderrLine } from './watch-run.js';

interface ServiceFlags extends ScenarioFlags, NamespaceFlags {
  natsUrl?: string;
  stockShare?: { index: number; count: number };
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export function serviceCommand(): Command {
  const command = new Command('service')
    .description('Run one service (order, payment or inventory) as a process of its own on a NATS server, until Ctrl-C. Several instances of one service share its work.')
    .argument('<name>', `the service: ${SERVICE_NAMES.join(', ')}`)
    .argument('[scenario]', 'scenario YAML file for the catalogue, stock and payment rate (default: as saga-sim up); give every service the same one')
    .addOption(natsUrlOption())
    .addOption(successRateOption())
    .addOption(new Option('--stock-share <i/n>', 'inventory: this process holds the i-th of n equal shares of every product\'s stock (run n inventory processes, i = 1..n; needs kv or postgres state)').argParser(stockShare));
  for (const option of [...stackOptions(), ...namespaceOptions('none, the design\'s names; give the run the same'), ...logOptions()]) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim service order --nats-url nats://127.0.0.1:4222
  $ saga-sim service payment scenarios/mixed-90.yaml --nats-url nats://127.0.0.1:4222    # twice: they share the work
  $ saga-sim service inventory scenarios/mixed-90.yaml --stock-share 1/2 --nats-url nats://127.0.0.1:4222   # and 2/2 beside it
  $ saga-sim run scenarios/mixed-90.yaml --services external --nats-url nats://127.0.0.1:4222

The service creates the streams, consumers and KV bucket it needs when they are missing, and never deletes
them. Instances of one service share its durable consumer (or core queue group) and, with KV state, its
records: any instance can carry on a saga another started. Several inventory processes each hold a share
of the stock: start them with --stock-share 1/2 and --stock-share 2/2 (an order is reserved from the share
of the process that takes it; a release goes back to the share of the process that makes it). Ctrl-C (or
SIGTERM) stops it (exit 0).`,
    )
    .action(async (name: string, file: string | undefined, flags: ServiceFlags) => {
      process.exitCode = await serviceAction(name, file, flags);
    });
}

async function serviceAction(name: string, file: string | undefined, flags: ServiceFlags): Promise<number> {
  if (!SERVICE_NAMES.includes(name as ServiceName)) throw new UsageError(`unknown service "${name}"; expected one of ${SERVICE_NAMES.join(', ')}`);
  if (!flags.natsUrl) throw new UsageError('saga-sim service needs --nats-url (or NATS_URL): the server the services and the run share');
  const service = name as ServiceName;
  const overrides = scenarioOverrides(flags);
  const scenario = await loadServedScenario(file, overrides);
  const share = flags.stockShare;
  if (share && service !== 'inventory') throw new UsageError(`--stock-share is the inventory's: the ${service} service keeps no stock`);
  if (share && share.count > 1 && scenario.state === 'memory') throw new UsageError('--stock-share needs kv or postgres state: inventory instances read each other\'s reservations (drop --state memory)');
  const interrupts = new Interrupts();
  const cleanups = new Cleanups();
  let failure: string | undefined;
  return interrupts.around(async () => {
    try {
      const nc = await connectBroker(flags.natsUrl as string, `saga-sim-${service}-control`);
      cleanups.add(() => nc.close());
      const names = new RunNames(designNamespaceOf(flags));
      const warn = (message: string) => stderrLine(`warning: ${message}`);
      const database = databaseOf(flags, scenario);
      const { consumers, cleanups: liveness } = await provisionRun(nc, scenario, { names, owner: currentOwner(`service ${service}`, names), tidy: false, fresh: false, shared: true, replicas: scenario.jetstream.replicas ?? 1, warn, database: { ...database, keep: true } });
      for (const undo of liveness) cleanups.add(undo);
      const catalogue = buildCatalogue(scenario);
      const setup = { scenario, natsUrl: flags.natsUrl as string, names, consumers, stock: stockOf(catalogue), overrides: createOrderSource(scenario, catalogue).overrides, simulatedPayment: simulatedPayment(), heap: flags.heap ?? 'fast', log: { level: flags.logLevel, format: flags.logFormat }, database, stockShare: share };
      const host = await startServiceHost(workerConfig(service, setup), (message) => {
        failure ??= message;
        interrupts.stop();
      });
      cleanups.add(() => host.stop());
      const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
      const control = serveControl(nc, names, host, id);
      cleanups.add(async () => control.close());
      await nc.flush();
      stderrLine(`${service} service ${id} ready on ${redactUrl(flags.natsUrl as string)} (${scenario.delivery}, state ${scenario.state}); Ctrl-C stops it`);
      await interrupts.asked;
      interrupts.abort.signal.addEventListener('abort', () => process.exit(EXIT.interrupted), { once: true });
      if (failure) stderrLine(`saga-sim: ${service} service failed: ${failure}`);
      stderrLine(`stopping the ${service} service ${id}…`);
    } finally {
      await cleanups.run();
    }
    return failure ? EXIT.infrastructure : EXIT.ok;
  });
}

/** `i/n`: the i-th (from 1) of n shares. */
function stockShare(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const [i, n] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || n < 1 || i < 1 || i > n || n > 64) throw new InvalidArgumentError(`expected i/n with 1 <= i <= n <= 64, e.g. 1/2, got "${value}"`);
  return { index: i - 1, count: n };
}
