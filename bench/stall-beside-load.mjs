#!/usr/bin/env node
// The measurement test's 1 s stall (order worker, 50/s, 300 orders), run again and again beside a
// saturating bench in another process: CPU starvation. A pull consumer that goes unserved shows as
// sagas much slower than the stall itself, in the uncorrected latency too; this counts such runs.
// Usage: npm run build && node bench/stall-beside-load.mjs [runs=8] [backgroundRate=3000]
import { spawn } from 'node:child_process';
import { RunEngine } from '../dist/engine/run.js';
import { parseScenario } from '../dist/scenario/load.js';

const [runs = 8, backgroundRate = 3000] = process.argv.slice(2).map(Number);
const yaml = 'name: stall\nseed: 31\norders: { count: 300, rate: 50 }\npayment: { successRate: 1 }\nfaults:\n  - { stall: order, at: 2s, for: 1s }\n';

// Long enough to outlast the runs; killed (not drained) when they are done.
const background = spawn(process.execPath, ['bin/saga-sim', 'bench', 'scenarios/happy-path.yaml', '--quiet', '--rate', String(backgroundRate), '--duration', '600s'], {
  stdio: 'ignore',
  detached: true,
});
await new Promise((r) => setTimeout(r, 3000));
let slow = 0;
try {
  for (let i = 0; i < runs; i++) {
    const report = await new RunEngine({ scenario: parseScenario(yaml, 'stall.yaml') }).run();
    const { ms: c, uncorrectedMs: u } = report.latency;
    // The stall accounts for about 1 s, and a loaded machine for a few hundred ms more.
    const outlier = u.max > 1900;
    if (outlier) slow++;
    process.stdout.write(`run ${i + 1}: corrected p99 ${c.p99} max ${c.max} · uncorrected p90 ${u.p90} p99 ${u.p99} max ${u.max} ms${outlier ? ' · OUTLIER' : ''}\n`);
  }
} finally {
  // SIGTERM lets it stop its nats-server and delete the store; SIGKILL the group if it lingers.
  const exited = new Promise((r) => background.once('exit', r));
  background.kill('SIGTERM');
  const timeout = new Promise((r) => setTimeout(r, 10_000, 'timeout'));
  if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(-background.pid, 'SIGKILL');
}
process.stdout.write(`${slow} of ${runs} runs had a saga over 1.9 s from its actual send\n`);
