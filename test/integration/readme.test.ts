import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePorts } from '../../src/broker/embedded-server.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TargetSchema } from '../../src/scenario/target-schema.js';
import { root, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/nats.js';
import { postgresAnswers, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { DEFAULT_DATABASE_URL } from '../../src/services/state/postgres/settings.js';

/** The shell commands of the first code block under a README heading: continuations joined, loops whole, comments dropped. */
function commandsUnder(heading: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const commands: string[] = [];
  let current = '';
  let inLoop = false;
  for (const raw of block.split('\n')) {
    const line = raw.replace(/\s{2,}#.*$/, '').trimEnd();
    if (line.trim() === '' && !current) continue;
    current += `${current ? '\n' : ''}${line}`;
    if (/^for\b/.test(line.trim())) inLoop = true;
    if (inLoop && line.trim() === 'done') inLoop = false;
    if (!line.endsWith('\\') && !inLoop) {
      commands.push(current.trim());
      current = '';
    }
  }
  return commands.filter(Boolean);
}

// The README's psql commands name the local server; elsewhere that block cannot run as written.
const readmePostgres = TEST_DATABASE_URL === DEFAULT_DATABASE_URL ? await postgresAnswers("the README's PostgreSQL commands") : false;
if (TEST_DATABASE_URL !== DEFAULT_DATABASE_URL) process.stderr.write(`\n*** SKIPPED the README's PostgreSQL commands: they name ${DEFAULT_DATABASE_URL}, and the tests use ${TEST_DATABASE_URL} ***\n\n`);

/** Connects once the cluster's JetStream answers (it has a meta leader). */
async function waitForCluster(servers: string, timeoutMs = 30_000): Promise<NatsConnection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const nc = await connect({ servers: servers.split(','), timeout: 2000 });
      try {
        await (await jetstreamManager(nc)).getAccountInfo();
        return nc;
      } catch (error) {
        await nc.close();
        throw error;
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the README's cluster did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const bash = (command: string, env: NodeJS.ProcessEnv = {}) => execFileSync('bash', ['-o', 'pipefail', '-c', command], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

// Every command the README's quick start and "Run it like the design" show, run as written.
describe('the README, as written', () => {
  it('quick start: the run command works (npm ci and npm test are what runs this test)', () => {
    const commands = commandsUnder('## Quick start');
    expect(commands).toEqual(['npm ci', 'npx saga-sim run scenarios/mixed-90.yaml', 'npm test']);
    const out = bash(commands[1] as string, { CI: 'true' });
    expect(out).toContain('result       PASSED');
  }, 120_000);

  it('Test your own saga: the mapping shown is the reference system\'s, and its scenario validates', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Test your own saga\n'));
    const shown = parseYaml(/```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as { target: Record<string, unknown> };
    const fixture = parseYaml(readFileSync(join(root, 'test/fixtures/reference-saga/scenario.yaml'), 'utf8')) as { target: Record<string, unknown> };
    const { url, ...mapping } = TargetSchema.parse(shown.target);
    expect(url).toBe('http://127.0.0.1:8080');
    const { url: none, ...fixtureMapping } = TargetSchema.parse(fixture.target);
    expect(none).toBeUndefined();
    expect(mapping).toEqual(fixtureMapping);
    expect(bash('node bin/saga-sim validate scenarios/targets/nest-saga.yaml test/fixtures/reference-saga/scenario.yaml')).toContain('ok  scenarios/targets/nest-saga.yaml');
  });

  it.runIf(readmePostgres)("The design's databases: every command works as written, and says what the README says", () => {
    const commands = commandsUnder("## The design's databases (PostgreSQL)");
    expect(commands).toHaveLength(8);
    const status = (command: string) => {
      try {
        return { code: 0, out: bash(command, { CI: 'true' }) };
      } catch (error) {
        const e = error as { status: number; stdout: string };
        return { code: e.status, out: e.stdout };
      }
    };
    const [run, orders, ledger, stock, outbox, clean, on, off] = commands.map((c) => (c.includes('--outbox off') ? status(c) : { code: 0, out: bash(c, { CI: 'true' }) }));
    expect(run?.out).toContain('schemas saga_sim_demo_order, saga_sim_demo_payment, saga_sim_demo_inventory kept');
    expect(orders?.out).toMatch(/CONFIRMED \| +\d+ \|/);
    expect(ledger?.out).toMatch(/charge \| +\d+/);
    expect(stock?.out).toMatch(/p-001 +\| +\d+ \| +\d+ \| +\d+/);
    expect(outbox?.out).toMatch(/payment\.confirmed\.v1 \| +(\d+) \| +\1/);
    expect(clean?.out).toMatch(/^demo +removed/m);
    expect(on?.out).toContain('result       PASSED');
    expect(off?.code).toBe(1);
    expect(off?.out).toMatch(/FAIL {2}no order left PENDING — \d+ of 2000 violate it: ord-\d{6}/);
  }, 180_000);

  it('Running across machines: the three machines\' commands, each machine a pair of ports on loopback, give one passing report', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Running across machines\n'));
    const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const machines = block.split(/^# machine /m).slice(1).map((group) => group.split('\n').slice(1).filter((line) => line.trim() !== ''));
    expect(machines).toHaveLength(3);
    const ports = await freePorts(6);
    const stores = mkdtempSync(join(tmpdir(), 'saga-sim-readme-cluster-'));
    const client = (k: number) => ports[k * 2] as number;
    const route = (k: number) => ports[k * 2 + 1] as number;
    // 10.0.0.k is machine k on loopback, with ports of its own; a smaller run than the README's.
    const local = (line: string, k: number) =>
      line
        .replace(/nats:\/\/10\.0\.0\.(\d):4222/g, (_m, j: string) => `nats://127.0.0.1:${client(Number(j) - 1)}`)
        .replace(/nats:\/\/10\.0\.0\.(\d):6222/g, (_m, j: string) => `nats://127.0.0.1:${route(Number(j) - 1)}`)
        .replace('nats://0.0.0.0:6222', `nats://127.0.0.1:${route(k)}`)
        .replace('-p 4222', `-a 127.0.0.1 -p ${client(k)}`)
        .replace('/var/lib/saga-nats', join(stores, `n${k}`))
        .replace('--orders 20000 --rate 1000', '--orders 600 --rate 200')
        .replace(/^saga-sim /, 'node bin/saga-sim ')
        .replace(/ &$/, '');
    const procs: ChildProcess[] = [];
    const outputs = new Map<ChildProcess, string>();
    const start = (command: string, env: NodeJS.ProcessEnv) => {
      const child = spawn('bash', ['-c', `exec ${command}`], { cwd: root, env: { ...process.env, ...env } });
      outputs.set(child, '');
      const keep = (d: Buffer) => outputs.set(child, (outputs.get(child) ?? '') + d.toString());
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      procs.push(child);
      return child;
    };
    const ended = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
    try {
      const envs = machines.map((lines) => ({ NATS_URL: /^export NATS_URL=(\S+)$/m.exec(lines.join('\n'))?.[1] ?? '' }));
      const local3 = envs.map((env, k) => ({ NATS_URL: local(env.NATS_URL, k) }));
      const steps = machines.flatMap((lines, k) => lines.filter((l) => !l.startsWith('export ')).map((line) => ({ line: local(line, k), env: local3[k] as NodeJS.ProcessEnv, bg: line.endsWith(' &') })));
      // The nodes first, every machine's, then the services, then the load.
      for (const step of steps.filter((s) => s.line.startsWith('nats-server'))) start(step.line, step.env);
      const nc = await waitForCluster(local3[0]?.NATS_URL as string);
      await nc.close();
      let coordinator: ChildProcess | undefined;
      for (const step of steps.filter((s) => !s.line.startsWith('nats-server'))) {
        const child = start(step.line, step.env);
        if (/ service /.test(step.line)) await waitFor(step.line, () => / ready on /.test(outputs.get(child) ?? ''), 60_000);
        if (!step.bg) coordinator = child;
      }
      const code = await ended(coordinator as ChildProcess);
      const out = outputs.get(coordinator as ChildProcess) ?? '';
      expect(code, out.slice(-3000)).toBe(0);
      expect(out).toContain('result       PASSED');
      expect(out).toMatch(/^generators {3}1: /m);
      const report = JSON.parse(readFileSync(join(root, 'run.json'), 'utf8')) as { orders: { total: number }; instances: { service: string }[]; broker: { replicas: number } };
      expect(report.orders.total).toBe(600);
      expect(report.instances.filter((i) => i.service === 'inventory')).toHaveLength(2);
      expect(report.broker.replicas).toBe(3);
    } finally {
      for (const child of procs) if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(join(root, 'run.json'), { force: true });
      rmSync(stores, { recursive: true, force: true });
    }
  }, 240_000);

  describe('Run it like the design', () => {
    let up: ReturnType<typeof startCli>;
    beforeAll(() => {
      up = startCli(['up', '--port', '0', '--metrics-port', '0']);
    });
    afterAll(async () => {
      up.child.kill('SIGINT');
      await up.done;
    });

    it('every curl and saga-sim command works against saga-sim up', async () => {
      await waitFor('saga-sim up', () => /Ctrl-C stops everything/.test(up.stdout()), 30_000);
      const banner = up.stdout();
      const api = /orders API\s+http:\/\/(\S+)\/orders/.exec(banner)?.[1] as string;
      const metrics = /payment metrics\s+http:\/\/(\S+)\/payments/.exec(banner)?.[1] as string;
      const monitor = /NATS monitoring\s+http:\/\/(\S+)/.exec(banner)?.[1] as string;
      const natsUrl = /NATS\s+(nats:\/\/\S+)/.exec(banner)?.[1] as string;
      const commands = commandsUnder('## Run it like the design');
      expect(commands[0]).toBe('npx saga-sim up');
      let orderId = '';
      const ran: string[] = [];
      for (const command of commands.slice(1)) {
        // No nats CLI here; `events` tails until Ctrl-C (its own test covers it).
        if (command.startsWith('nats sub') || command === 'saga-sim events') continue;
        const line = command
          .replaceAll('localhost:3004', api)
          .replaceAll('localhost:3006', metrics)
          .replaceAll('localhost:8222', monitor)
          .replaceAll('<orderId>', orderId)
          .replace(/^saga-sim /, 'node bin/saga-sim ');
        if (command.includes('<orderId>')) await waitFor('the first order to end', () => /CONFIRMED|CANCELLED/.test(bash(`curl -s http://${api}/orders/${orderId}`)), 10_000);
        const out = bash(line, { NATS_URL: natsUrl });
        ran.push(command);
        if (!orderId && command.startsWith('curl -X POST')) orderId = (JSON.parse(out) as { orderId: string }).orderId;
        if (command.startsWith('for ')) expect(out.match(/"status":"PENDING"/g)).toHaveLength(10);
        if (command.includes('/orders/metrics')) expect(out).toMatch(/^orders_created_total 11$/m);
        if (command.includes('/varz')) expect(out).toContain('"server_id"');
        if (command.startsWith('saga-sim trace')) expect(out).toContain('order.created.v1');
      }
      expect(orderId).not.toBe('');
      expect(ran.length).toBeGreaterThanOrEqual(9);
    }, 90_000);
  });
});
