#!/usr/bin/env node
// How late the open loop sends at low rates: setTimeout against the timer thread
// (src/engine/precise-timer.ts). Runs the real load loop (no broker, no orders' contents) and
// records each send's lag behind its intended time, which corrected latency counts in full.
// Usage: npm run build && node bench/wake-timer.mjs [rate=100] [sends=300] [rounds=3]
import { now } from '../dist/engine/clock.js';
import { startOpenLoop } from '../dist/engine/load-loop.js';
import { coarseTimer, preciseTimer } from '../dist/engine/precise-timer.js';
import { arrivals } from '../dist/load/arrivals.js';

const [rate = 100, sends = 300, rounds = 3] = process.argv.slice(2).map(Number);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function measure(timer) {
  await timer.ready();
  const lags = [];
  const cpu = process.cpuUsage();
  const loop = startOpenLoop(arrivals({ model: 'constant', rate }, 1), { count: sends }, {
    startAt: now() + 5,
    timer,
    next: (seq) => ({ orderId: String(seq) }),
    stopped: () => false,
    place: (_orders, intendedAt, sentAt) => {
      for (const t of intendedAt) lags.push(sentAt - t);
    },
  });
  await loop.done;
  const used = process.cpuUsage(cpu);
  const sorted = lags.sort((a, b) => a - b);
  return { p50: at(sorted, 0.5), p99: at(sorted, 0.99), cpuUsPerSend: (used.user + used.system) / sends };
}

const results = { setTimeout: [], timerThread: [] };
for (let r = 1; r <= rounds; r++) {
  for (const [name, make] of [['setTimeout', coarseTimer], ['timerThread', preciseTimer]]) {
    const timer = make();
    const m = await measure(timer);
    await timer.close();
    results[name].push(m);
    process.stderr.write(`round ${r} ${name}: send lag p50 ${m.p50.toFixed(3)} ms, p99 ${m.p99.toFixed(3)} ms, process CPU ${m.cpuUsPerSend.toFixed(1)} µs per send (both threads)\n`);
  }
}
const summary = Object.fromEntries(
  Object.entries(results).map(([name, ms]) => [name, { medianP50Ms: median(ms.map((m) => m.p50)), medianP99Ms: median(ms.map((m) => m.p99)), medianCpuUsPerSend: median(ms.map((m) => m.cpuUsPerSend)) }]),
);
process.stdout.write(`${JSON.stringify({ rate, sends, rounds, summary })}\n`);
