import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
