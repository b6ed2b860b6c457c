#!/usr/bin/env node
// The load generator alone, no broker: can it keep a schedule at R orders/s?
// It runs the real load loop with the real order source (faker catalogue and orders from the seed),
// and measures each order's schedule error: actual dispatch time minus intended send time.
// Usage: node bench/generator.mjs [rate=100000] [seconds=5] [repeats=3]
import { buildCatalogue } from '../dist/load/catalogue.js';
import { createOrderSource } from '../dist/load/order-source.js';
import { startOpenLoop } from '../dist/engine/load-loop.js';
import { arrivals } from '../dist/load/arrivals.js';
import { now } from '../dist/engine/clock.js';
import { createHistogram, recordMs, summarize } from '../dist/metrics/histogram.js';
import { parseScenario } from '../dist/scenario/load.js';

const [rate = 100_000, seconds = 5, repeats = 3] = process.argv.slice(2).map(Number);
const total = rate * seconds;
const scenario = parseScenario(`name: generator\nseed: 1\norders: { count: ${total}, rate: ${rate} }\n`, 'generator.yaml');
const source = createOrderSource(scenario, buildCatalogue(scenario));

const runs = [];
for (let i = 0; i < repeats; i++) {
  const errors = createHistogram();
  let placed = 0;
  const startAt = now() + 5;
  const loop = startOpenLoop(arrivals({ model: 'constant', rate }, 1), { count: total }, {
    startAt,
    next: source.next,
    stopped: () => false,
    place: (orders, intendedAt, sentAt) => {
      placed += orders.length;
      for (const at of intendedAt) recordMs(errors, sentAt - at);
    },
  });
  await loop.done;
  const elapsed = (now() - startAt) / 1000;
  const e = summarize(errors);
  runs.push({ placed, achievedPerSecond: Math.round(placed / elapsed), errorMs: { p50: e.p50, p99: e.p99, p999: e.p999, max: e.max } });
  process.stderr.write(`run ${i + 1}: ${runs.at(-1).achievedPerSecond} orders/s, schedule error p50 ${e.p50} ms, p99 ${e.p99} ms, max ${e.max} ms\n`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(`${JSON.stringify({ rate, seconds, repeats, medianAchieved: median(runs.map((r) => r.achievedPerSecond)), medianP99ErrorMs: median(runs.map((r) => r.errorMs.p99)), runs })}\n`);
