import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_ARGS, findChromium } from '../helpers/browser.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-html-'));
const executablePath = findChromium();
if (!executablePath) process.stderr.write('\nSKIPPED LOUDLY: the --html browser tests need Debian\'s chromium (/usr/bin/chromium), which is missing and could not be installed\n\n');

// --html pages in a real browser: they load with no console errors, every chart has drawn data, and a screenshot is kept.
describe.skipIf(!executablePath)('--html pages in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the page, checks it, saves a screenshot beside it; returns the chart count and the text. */
  const check = async (file: string) => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    // A chart has drawn data when its plotting canvas has pixels of the series' colours, not just axes.
    // Run in the page (a string: this project compiles without the DOM's types).
    const charts = (await page.evaluate(`[...document.querySelectorAll('.chart')].map((box) => {
      const canvas = box.querySelector('canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) coloured++;
      return { points: Number(box.dataset.points), coloured };
    })`)) as { points: number; coloured: number }[];
    const text = await page.innerText('body');
    await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
    process.stderr.write(`screenshot: ${file.replace(/\.html$/, '.png')}\n`);
    await page.close();
    expect(errors).toEqual([]);
    for (const c of charts) {
      expect(c.points).toBeGreaterThan(1);
      expect(c.coloured).toBeGreaterThan(50);
    }
    return { charts: charts.length, text };
  };

  it('run: throughput with the faults marked, latency by percentile, outcomes, steps and invariants', async () => {
    const file = join(work, 'run.html');
    expect((await cli(['run', 'scenarios/crash-payment.yaml', '--quiet', '--html', file])).code).toBe(0);
    const { charts, text } = await check(file);
    expect(charts).toBe(2);
    expect(text).toContain('PASSED');
    expect(text).toContain('Outcomes and compensations');
    expect(text).toContain('created → payment');
    expect(text).toMatch(/pass\s+stock is conserved/);
  }, 120_000);

  it('bench, fixed rate and --find-max', async () => {
    const fixed = join(work, 'bench.html');
    expect((await cli(['bench', 'scenarios/happy-path.yaml', '--rate', '200', '--duration', '3s', '--warmup', '1s', '--quiet', '--html', fixed])).code).toBe(0);
    expect((await check(fixed)).charts).toBe(2);
    const curve = join(work, 'find-max.html');
    await cli(['bench', 'scenarios/happy-path.yaml', '--find-max', '--rate', '100', '--duration', '2s', '--warmup', '500ms', '--slo', 'p99<0.01ms', '--quiet', '--html', curve]);
    const { charts, text } = await check(curve);
    expect(charts).toBe(1);
    expect(text).toContain('find-max: latency against the offered rate');
  }, 180_000);

  it('sweep: the confirmed share with its interval against the expected share', async () => {
    const file = join(work, 'sweep.html');
    expect((await cli(['sweep', 'scenarios/mixed-90.yaml', '--param', 'payment.successRate', '--values', '0.2,0.6,1', '--orders', '200', '--quiet', '--html', file])).code).toBe(0);
    const { charts, text } = await check(file);
    expect(charts).toBe(1);
    expect(text).toContain('Confirmed share against payment.successRate');
  }, 180_000);

  it('compare: the figures side by side, the changes beyond the noise marked', async () => {
    const [a, b] = [join(work, 'a.json'), join(work, 'b.json')];
    expect((await cli(['run', 'scenarios/happy-path.yaml', '--orders', '300', '--rate', '300', '--quiet', '--report', a])).code).toBe(0);
    expect((await cli(['run', 'scenarios/happy-path.yaml', '--orders', '300', '--rate', '300', '--state', 'memory', '--quiet', '--report', b])).code).toBe(0);
    const file = join(work, 'compare.html');
    expect((await cli(['compare', a, b, '--html', file])).code).toBe(0);
    const { text } = await check(file);
    expect(text).toMatch(/state writes per saga\s+[\d.]+\s+0\.000 \(-100\.0%\) \*/);
  }, 120_000);
});
