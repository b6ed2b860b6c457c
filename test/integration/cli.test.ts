import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../../src/broker/embedded-server.js';
import { waitFor } from '../helpers/nats.js';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/saga-sim');
const work = mkdtempSync(join(tmpdir(), 'saga-sim-cli-'));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts the real CLI, returning the child and a promise of its result. */
function start(args: string[]): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Result>((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  Object.defineProperty(child, 'stderrText', { get: () => stderr });
  return { child, done };
}

/** Runs the real CLI as a user would, without a TTY. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// eslint-disable-next-line no-control-regex -- looking for the escape character is the point
const ANSI = /\u001b\[/;

describe('saga-sim CLI', () => {
  it('runs a scenario, prints a plain summary, writes the report and exits 0', async () => {
    const reportFile = join(work, 'report.json');
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--orders', '100', '--rate', '400', '--report', reportFile]);
    expect(r.stderr).toMatch(/started nats-server [\d.]+ at nats:\/\/127\.0\.0\.1:\d+ \(monitoring http:\/\/127\.0\.0\.1:\d+\)/);
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
  });

  it('a malformed scenario exits 2 with one line naming file, line and key', async () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'name: bad\norders:\n  count: 10\n  rate: -5\n');
    const r = await cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^saga-sim: ${file}:4: orders\\.rate: `))]);
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
    const { child, done } = start(['run', 'scenarios/mixed-90.yaml', '--orders', '1000000', '--rate', '300']);
    const stderr = () => (child as unknown as { stderrText: string }).stderrText;
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
  });
});
