import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-compare-'));

interface Compared {
  figures: { name: string; flagged: boolean[] }[];
}

// The acceptance: a real change (memory against KV state) is flagged; two runs of the same settings are not.
describe('saga-sim compare', () => {
  it('flags what memory state changes against KV state, and nothing between two runs of the same settings', async () => {
    const run = async (name: string, state: string) => {
      const file = join(work, `${name}.json`);
      const r = await cli(['run', 'scenarios/happy-path.yaml', '--orders', '1500', '--rate', '500', '--state', state, '--quiet', '--report', file]);
      expect(r.code).toBe(0);
      return file;
    };
    const kv1 = await run('kv-1', 'kv');
    const kv2 = await run('kv-2', 'kv');
    const memory = await run('memory', 'memory');
    const flagged = async (...files: string[]) => {
      const r = await cli(['compare', ...files, '--json']);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as Compared).figures.filter((f) => f.flagged.some(Boolean)).map((f) => f.name);
    };
    expect(await flagged(kv1, kv2)).toEqual([]);
    expect(await flagged(kv1, memory)).toEqual(expect.arrayContaining(['state writes per saga', 'broker messages in per saga']));

    const html = join(work, 'compare.html');
    const table = await cli(['compare', kv1, kv2, memory, '--html', html]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('"kind":"compare"');
    expect(page).toContain('state writes per saga');
    expect(table.stdout).toMatch(/^baseline {2}\S+kv-1\.json: happy-path · jetstream · state kv/m);
    expect(table.stdout).toMatch(/^state writes per saga\s+[\d.]+\s+[\d.]+ [+-][\d.]+%\s+0\.000 -100\.0% \*$/m);
    expect(table.stdout).toContain('changed beyond the noise');
  }, 120_000);

  it('a file that is not a report exits 2 naming it', async () => {
    const r = await cli(['compare', 'package.json', 'package.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json: not a saga-sim report');
  });
});
