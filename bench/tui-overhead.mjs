#!/usr/bin/env node
// Does the live dashboard cost throughput? Runs the same saturating load with the TUI (in a
// pseudo-terminal, via util-linux `script`) and with --no-tui, alternating, and compares the
// median achieved sagas/s. Usage: node bench/tui-overhead.mjs [pairs=5] [rate=3000] [seconds=8]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [pairs = 5, rate = 3000, seconds = 8] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'saga-sim-bench-'));
const orders = rate * seconds;
const args = (report) => ['bin/saga-sim', 'run', 'scenarios/happy-path.yaml', '--orders', String(orders), '--rate', String(rate), '--report', report];

function run(mode, i) {
  const report = join(dir, `${mode}-${i}.json`);
  if (mode === 'tui') {
    const command = `stty cols 120 rows 45; exec node ${args(report).join(' ')}`;
    const { CI: _ci, ...env } = process.env; // the dashboard is off under CI
    execFileSync('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'ignore', 'inherit'], env: { ...env, TERM: 'xterm-256color' } });
  } else {
    execFileSync(process.execPath, [...args(report), '--no-tui', '--quiet'], { stdio: 'ignore' });
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  if (!r.passed) throw new Error(`${mode} run ${i} did not pass its invariants`);
  return r.throughput.sagasPerSecond;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { plain: [], tui: [] };
for (let i = 0; i < pairs; i++) {
  for (const mode of i % 2 === 0 ? ['plain', 'tui'] : ['tui', 'plain']) {
    results[mode].push(run(mode, i));
    process.stderr.write(`${mode} #${i + 1}: ${results[mode].at(-1)} sagas/s\n`);
  }
}
const plain = median(results.plain);
const tui = median(results.tui);
process.stdout.write(`${JSON.stringify({ rate, orders, pairs, plain: results.plain, tui: results.tui, medianPlain: plain, medianTui: tui, ratio: Math.round((tui / plain) * 1000) / 1000 })}\n`);
