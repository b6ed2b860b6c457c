import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/experiment/sweep.js';
import { cli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-sweep-'));
const ample = 'name: sweep\nseed: 21\norders: { count: 300, rate: 600 }\ncatalogue: { products: 10, stock: 100000 }\n';

describe('saga-sim sweep', () => {
  it('payment success rate: 0 confirms none, 1 confirms all, every interval holds the rate, and a rerun is identical', async () => {
    const sweep = () => runSweep({ text: ample, file: 'sweep.yaml', overrides: {}, spec: { param: 'payment.successRate', values: [0, 0.5, 1] } });
    const first = await sweep();
    expect(first.map((p) => p.confirmed)).toEqual([0, expect.any(Number), 300]);
    for (const p of first) {
      expect(p.ci[0]).toBeLessThanOrEqual(p.value);
      expect(p.ci[1]).toBeGreaterThanOrEqual(p.value);
      expect(p.expected).toBe(p.value);
      expect(p.flagged).toBe(false);
      expect(p.invariantsPassed).toBe(true);
    }
    const again = await sweep();
    expect(again.map((p) => [p.confirmed, p.cancelled, p.compensations])).toEqual(first.map((p) => [p.confirmed, p.cancelled, p.compensations]));
  }, 180_000);

  it('stock below demand: out-of-stock cancellations rise as stock falls, stock is conserved at every point', async () => {
    const yaml = 'name: stock\nseed: 22\norders: { count: 300, rate: 600 }\ncatalogue: { products: 5 }\npayment: { successRate: 1 }\n';
    const points = await runSweep({ text: yaml, file: 'stock.yaml', overrides: {}, spec: { param: 'stock.demandMultiple', values: [2, 1, 0.5, 0.25] } });
    const outOfStock = points.map((p) => p.cancelledByReason.out_of_stock);
    expect(outOfStock[0]).toBe(0);
    for (let i = 1; i < outOfStock.length; i++) expect(outOfStock[i]).toBeGreaterThan(outOfStock[i - 1] as number);
    expect(points.every((p) => p.invariantsPassed)).toBe(true);
    expect(points.every((p) => p.expected === null || p.value >= 2)).toBe(true);
  });

  it('the CLI prints table and chart, writes CSV and JSON, and names a bad parameter', async () => {
    const csv = join(work, 'sweep.csv');
    const json = join(work, 'sweep.json');
    const r = await cli(['sweep', 'scenarios/happy-path.yaml', '--param', 'payment.successRate', '--values', '0,1', '--orders', '100', '--csv', csv, '--json', json]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('confirmed share by payment.successRate');
    expect(r.stderr).toMatch(/point 2\/2: payment\.successRate = 1: confirmed 100\/100 = 1\.000/);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^param,value,orders,confirmed,/);
    expect(JSON.parse(readFileSync(json, 'utf8')).points.map((p: { confirmed: number }) => p.confirmed)).toEqual([0, 100]);
    const bad = await cli(['sweep', 'scenarios/happy-path.yaml', '--param', 'payment.sucessRate', '--values', '0,1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/payment\.sucessRate/);
  });
});
