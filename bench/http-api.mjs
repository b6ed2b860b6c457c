// POSTs /orders at a fixed rate against `saga-sim up` with autocannon, then waits for every saga to end.
// Usage: node bench/http-api.mjs [rate=1000] [seconds=30] [connections=50]
// Prints one JSON line: achieved rate, POST latency (autocannon's, from each request's send), non-2xx
// answers, and how the sagas ended according to /orders/metrics.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';

const [rate = 1000, seconds = 30, connections = 50] = process.argv.slice(2).map(Number);
const up = spawn(process.execPath, ['bin/saga-sim', 'up', '--port', '0', '--metrics-port', '0', '--state', process.env.STATE ?? 'kv'], { stdio: ['ignore', 'pipe', 'inherit'] });
let banner = '';
up.stdout.on('data', (d) => (banner += d));
const deadline = Date.now() + 30_000;
while (!/Ctrl-C stops everything/.test(banner)) {
  if (Date.now() > deadline) throw new Error('saga-sim up did not start');
  await new Promise((r) => setTimeout(r, 50));
}
const api = /orders API\s+(\S+)\/orders/.exec(banner)[1];
const body = JSON.stringify({ customerId: 'customer-1', items: [{ productId: 'prod-1', quantity: 1, unitPrice: 19.99 }] });
const result = await autocannon({ url: `${api}/orders`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, overallRate: rate, duration: seconds });
const counts = async () => {
  const text = await (await fetch(`${api}/orders/metrics`)).text();
  const read = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { created: read('orders_created_total'), confirmed: read('orders_confirmed_total'), cancelled: read('orders_cancelled_total'), failed: read('orders_failed_total') };
};
const drainStart = Date.now();
let c = await counts();
while (c.confirmed + c.cancelled + c.failed < c.created && Date.now() - drainStart < 60_000) {
  await new Promise((r) => setTimeout(r, 100));
  c = await counts();
}
up.kill('SIGINT');
await new Promise((r) => up.once('exit', r));
process.stdout.write(`${JSON.stringify({
  offered: rate,
  seconds,
  connections,
  requests: result.requests.total,
  achievedPerSecond: Math.round(result.requests.total / seconds),
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  postLatencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  sagas: c,
  drainMsAfterLoad: Date.now() - drainStart,
})}\n`);
