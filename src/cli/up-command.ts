import { redactUrl } from '../broker/credentials.js';
import { Command, Option } from 'commander';
import { startApiServer, startMetricsServer, type Listening } from '../api/api-server.js';
import { OrderView } from '../api/order-view.js';
import { serveStack, type Served } from '../engine/serve.js';
import type { ServiceCrashedError } from '../errors.js';
import { buildCatalogue } from '../load/catalogue.js';
import { SagaMetrics } from '../metrics/prometheus.js';
import type { Scenario } from '../scenario/schema.js';
import type { LogFormat, LogLevel } from '../services/host/log.js';
import { loadServedScenario } from '../scenario/up-defaults.js';
import { EXIT } from './exit-codes.js';
import { designNamespaceOf, namespaceOptions, type NamespaceFlags } from './namespace-flags.js';
import { Interrupts } from './interrupts.js';
import { logOptions } from './options.js';
import { databaseOf, natsUrlOption, scenarioOverrides, stackOptions, successRateOption, type ScenarioFlags } from './scenario-flags.js';
import { simulatedPayment, stderrLine } from './watch-run.js';

interface UpFlags extends ScenarioFlags, NamespaceFlags {
  natsUrl?: string;
  keep?: boolean;
  host: string;
  port: number;
  metricsPort: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`expected a port from 0 to 65535, got "${value}"`);
  return n;
}

export function upCommand(): Command {
  const command = new Command('up')
    .description('Run the design\'s system and keep it up until Ctrl-C: nats-server, the three services, the orders HTTP API (3004) and Prometheus metrics (3004, 3006).')
    .argument('[scenario]', 'scenario YAML file for the catalogue, stock and payment rate (default: success rate 0.9, products prod-1 … prod-100 with ample stock)')
    .addOption(natsUrlOption())
    .option('--keep', 'leave the streams on the --nats-url server when it stops', false)
    .option('--host <host>', 'address the HTTP ports bind to', '127.0.0.1')
    .addOption(new Option('--port <n>', 'orders API and its metrics').argParser(port).default(3004))
    .addOption(new Option('--metrics-port <n>', 'payment and inventory metrics').argParser(port).default(3006))
    .option('--env-file <file>', 'read environment variables (NATS_URL, PAYMENT_SUCCESS_RATE, USE_SIMULATED_PAYMENT, …) from this file first')
    .addOption(successRateOption());
  for (const option of [...stackOptions(), ...namespaceOptions('none, the design\'s names'), ...logOptions()]) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Examples:
  $ saga-sim up
  $ curl -X POST http://localhost:3004/orders -H 'Content-Type: application/json' \\
      -d '{"customerId":"customer-1","items":[{"productId":"prod-1","quantity":2,"unitPrice":19.99}]}'
  $ curl http://localhost:3004/orders/<orderId>
  $ curl http://localhost:3004/orders/metrics
  $ saga-sim up scenarios/mixed-90.yaml --success-rate 0.5 --port 8080
  $ saga-sim up --nats-url nats://127.0.0.1:4222 --env-file .env

The embedded nats-server takes 4222 and monitoring 8222 when they are free (curl localhost:8222/varz),
otherwise free ports, printed at start.

Environment:
  NATS_URL               same as --nats-url
  PAYMENT_SUCCESS_RATE   same as --success-rate
  USE_SIMULATED_PAYMENT  "false" makes every payment succeed

Ctrl-C (or SIGTERM) stops the services and the server and says what it removed (exit 0); a second
Ctrl-C exits at once. Exit codes: 2 usage or scenario error (a port in use) · 3 nats-server or a
service failed`,
    )
    .action(async (file: string | undefined, flags: UpFlags) => {
      process.exitCode = await upAction(file, flags);
    });
}

async function upAction(file: string | undefined, flags: UpFlags): Promise<number> {
  const overrides = scenarioOverrides(flags);
  const scenario = await loadServedScenario(file, overrides);
  const interrupts = new Interrupts();
  let crash: ServiceCrashedError | undefined;
  const view = new OrderView();
  let served: Served | undefined;
  const metrics = new SagaMetrics({
    deadLetters: () => served?.deadLetters() ?? 0,
    redeliveries: (service) => served?.services.get(service)?.stats.redelivered ?? 0,
  });
  const listening: Listening[] = [];
  return interrupts.around(async () => {
    try {
      stderrLine(flags.natsUrl ? `connecting to ${redactUrl(flags.natsUrl as string)} and starting the services…` : 'starting nats-server and the services…');
      served = await serveStack({
        scenario,
        natsUrl: flags.natsUrl,
        namespace: designNamespaceOf(flags),
        keep: flags.keep,
        simulatedPayment: simulatedPayment(),
        database: databaseOf(flags, scenario),
        heap: flags.heap,
        log: { level: flags.logLevel, format: flags.logFormat },
        view,
        metrics,
        warn: (message) => stderrLine(`warning: ${message}`),
        crashed: (error) => {
          crash ??= error;
          interrupts.stop();
        },
      });
      const stack = served;
      listening.push(await startApiServer({ view, metrics, submit: (order) => stack.submit(order), ready: () => stack.ready() }, flags.host, flags.port));
      listening.push(await startMetricsServer(metrics, flags.host, flags.metricsPort));
      process.stdout.write(`${banner(scenario, stack, listening[0]?.url ?? '', listening[1]?.url ?? '')}\n`);
      await interrupts.asked;
      interrupts.abort.signal.addEventListener('abort', () => process.exit(EXIT.interrupted), { once: true });
      stderrLine(crash ? `saga-sim: ${crash.message}; shutting down` : 'shutting down (Ctrl-C again to exit at once)…');
    } finally {
      for (const l of listening) await l.close();
      for (const line of (await served?.close()) ?? []) stderrLine(line);
    }
    return crash ? EXIT.infrastructure : EXIT.ok;
  });
}

function banner(scenario: Scenario, served: Served, api: string, metricsUrl: string): string {
  const b = served.broker;
  const product = buildCatalogue(scenario)[0]?.id ?? 'prod-1';
  const body = JSON.stringify({ customerId: 'customer-1', items: [{ productId: product, quantity: 2, unitPrice: 19.99 }] });
  const rows: [string, string][] = [
    ['NATS', `${b.url}   (nats sub ">" --server ${b.url})`],
    ...(b.monitorUrl ? [['NATS monitoring', `${b.monitorUrl}   (/varz /connz /subsz /jsz)`] as [string, string]] : []),
    ['orders API', `${api}/orders   (POST, GET /orders/:id, GET /orders?status=&limit=)`],
    ['order metrics', `${api}/orders/metrics   (everything: ${api}/metrics)`],
    ['payment metrics', `${metricsUrl}/payments/metrics`],
    ['inventory metrics', `${metricsUrl}/inventory/metrics`],
    ['health', `${api}/healthz   ${api}/readyz`],
  ];
  return [
    `saga-sim up: ${scenario.name} · payment success rate ${scenario.payment.successRate} · ${scenario.delivery} · state ${scenario.state}`,
    ...rows.map(([k, v]) => `  ${k.padEnd(18)} ${v}`),
    '',
    'Try:',
    `  curl -X POST ${api}/orders -H 'Content-Type: application/json' -d '${body}'`,
    `  curl ${api}/orders/<orderId>`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}
