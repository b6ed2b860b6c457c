import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/nats.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-hostile-'));
const file = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

// Hostile scenario files: exit 2, one line naming the file, and nothing started.
describe('hostile scenario files', () => {
  it('a YAML alias bomb ("billion laughs") is refused naming the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = file('bomb.yaml', `${levels.join('\n')}\nname: bomb\n`);
    const r = await cli(['run', bomb]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`saga-sim: ${bomb}: too many YAML alias expansions (over 100); a scenario needs none of that size`]);
  });

  it('a file over 1 MB is refused unread, naming its size and the limit', async () => {
    const big = file('big.yaml', `name: big\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const r = await cli(['validate', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${big.replaceAll('/', '\\/')}: 2,097,1\\d\\d bytes, over the 1,048,576-byte limit for a scenario file`));
  });

  it('an absurd rate or count is refused with the bound, before anything starts', async () => {
    const fast = file('fast.yaml', 'name: fast\norders:\n  count: 10\n  rate: 1e9\n');
    const r = await cli(['run', fast]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`saga-sim: ${fast}:4: orders.rate: at most 1,000,000 (orders per second; see docs/scenarios.md, Limits)`]);
    const many = await cli(['run', 'scenarios/happy-path.yaml', '--orders', '5000000000']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('orders.count: at most 1,000,000,000');
  });

  it('at the highest rate allowed, the in-flight guard drops and counts arrivals, and two Ctrl-C end the run and remove the server', async () => {
    const { child, stderr, done } = startCli(['run', 'scenarios/mixed-90.yaml', '--rate', '1000000', '--orders', '100000000', '--state', 'memory']);
    await waitFor('arrivals dropped at the guard', () => /dropped [1-9]/.test(stderr()), 60_000);
    const [, storeDir] = /store (\S+)\)/.exec(stderr()) ?? [];
    child.kill('SIGINT');
    await waitFor('the first Ctrl-C taken', () => /stopping the load/.test(stderr()), 30_000);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('saga-sim: interrupted');
    expect(existsSync(storeDir as string)).toBe(false);
  }, 120_000);

  it('a SIGKILL of saga-sim takes its embedded nats-server and its store with it', async () => {
    const { child, stderr, done } = startCli(['run', 'scenarios/mixed-90.yaml', '--rate', '100', '--orders', '1000000']);
    await waitFor('orders placed', () => /sent [1-9]/.test(stderr()), 60_000);
    const [, storeDir] = /store (\S+)\)/.exec(stderr()) ?? [];
    const pid = Number(readFileSync(join(storeDir as string, 'nats.pid'), 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    child.kill('SIGKILL');
    await done;
    await waitFor('the orphaned nats-server to be gone', () => !alive(), 10_000);
    await waitFor('its store to be removed', () => !existsSync(storeDir as string), 10_000);
  }, 120_000);
});
