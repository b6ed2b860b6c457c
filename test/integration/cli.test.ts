import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, root, startCli } from '../helpers/cli.js';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../../src/broker/embedded-server.js';
import { waitFor } from '../helpers/nats.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-cli-'));

// eslint-disable-next-line no-control-regex -- looking for the escape character is the point
const ANSI = /\u001b\[/;

describe('saga-sim CLI', () => {
  it('--fault adds a fault as the scenario takes it, and a bad one is a usage error naming the flag or key', async () => {
    const needsDb = await cli(['run', 'scenarios/happy-path.yaml', '--fault', 'crashAfterCommit: order, at: 1s, restartAfter: 1s', '--quiet']);
    expect(needsDb.code).toBe(2);
    expect(needsDb.stderr).toContain('crashAfterCommit needs a database to commit to: add state: postgres to the scenario, or --state postgres');
    const badKey = await cli(['run', 'scenarios/happy-path.yaml', '--fault', 'crash: order, at: soon, restartAfter: 1s', '--quiet']);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('scenarios/happy-path.yaml (override faults.0.at): faults.0.at: expected a duration');
    const badYaml = await cli(['run', 'scenarios/happy-path.yaml', '--fault', '{{', '--quiet']);
    expect(badYaml.code).toBe(2);
    expect(badYaml.stderr).toContain("option '--fault <spec>' argument '{{' is invalid. expected keys as in a scenario fault");
  });

  it('stops quietly, exit 0, when its reader goes away (saga-sim … | head)', () => {
    // `true` reads nothing and exits long before node starts: the write then always meets a closed pipe.
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', 'node bin/saga-sim bench --help | true'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs a scenario, prints a plain summary, writes the report and exits 0', async () => {
    const reportFile = join(work, 'report.json');
    const hgrm = join(work, 'run.hgrm');
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--orders', '100', '--rate', '400', '--report', reportFile, '--hgrm', hgrm]);
    expect(r.stderr).toMatch(/started nats-server [\d.]+ at nats:\/\/127\.0\.0\.1:\d+ \(monitoring http:\/\/127\.0\.0\.1:\d+, store \S+\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('result       PASSED');
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report).toMatchObject({
      schemaVersion: 1,
      seed: 1,
      orders: { total: 100, confirmed: 100, cancelled: 0, failed: 0, pending: 0 },
      latency: { ms: { p50: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number), p999: expect.any(Number), max: expect.any(Number) } },
      throughput: { sagasPerSecond: expect.any(Number) },
    });
    expect(report.invariants.every((i: { name: string; passed: boolean; details: string }) => i.passed && i.name && i.details)).toBe(true);
    // --hgrm: HdrHistogram's percentile distribution, its last row the whole count.
    const rows = readFileSync(hgrm, 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/Value\s+Percentile\s+TotalCount/);
    expect(rows.some((l) => /^\s*[\d.]+\s+1\.000000000000\s+100\b/.test(l))).toBe(true);
  });

  it('a malformed scenario exits 2 with one line naming file, line and key', async () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'name: bad\norders:\n  count: 10\n  rate: -5\n');
    const r = await cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^saga-sim: ${file}:4: orders\\.rate: `))]);
  });

  it('a missing scenario file exits 2 with one line naming the nearest shipped one', async () => {
    const r = await cli(['run', 'scenarios/mixed90.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['saga-sim: scenarios/mixed90.yaml: file not found; did you mean scenarios/mixed-90.yaml? (saga-sim init scenarios/mixed90.yaml writes a starter there)']);
  });

  it('a bad flag exits 2 and says what it accepts', async () => {
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--success-rate', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a share from 0 to 1, got "2"');
  });

  it('no nats-server on PATH exits 3 with one line on how to get one', async () => {
    const r = await cli(['run', 'scenarios/happy-path.yaml'], { PATH: dirname(process.execPath), NATS_SERVER_BIN: '' });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^saga-sim: nats-server not found on PATH; install it \(apt-get install nats-server.*--nats-url/)]);
  });

  it('an unreachable --nats-url exits 3 with one line', async () => {
    const [port] = await freePorts(1);
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--nats-url', `nats://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^saga-sim: cannot reach NATS at nats://127.0.0.1:${port}`))]);
  });

  it('Ctrl-C stops the load, drains, prints the summary, exits 130, and removes the server and its store', async () => {
    const { child, stderr, done } = startCli(['run', 'scenarios/mixed-90.yaml', '--orders', '1000000', '--rate', '300']);
    await waitFor('a progress line', () => /sent [1-9]/.test(stderr()), 20_000);
    const [, monitorUrl, storeDir] = /\(monitoring (\S+), store (\S+)\)/.exec(stderr()) ?? [];
    expect(existsSync(storeDir as string)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('interrupted');
    expect(r.stdout).toMatch(/0 pending/);
    expect(existsSync(storeDir as string)).toBe(false);
    await expect(fetch(`${monitorUrl}/healthz`)).rejects.toThrow();
  });

  it('--help shows examples and exit codes', async () => {
    const r = await cli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('130  interrupted');
    // Every example sits under Examples, and a long one keeps its shell line continuation.
    const examples = r.stdout.slice(r.stdout.indexOf('Examples:'), r.stdout.indexOf('Keys (live dashboard)'));
    expect(examples.match(/^ {2}\$ /gm)).toHaveLength(r.stdout.match(/^ {2}\$ /gm)?.length ?? -1);
    expect(examples).toContain('--summary summary.md \\\n      --threshold');
  });
});
