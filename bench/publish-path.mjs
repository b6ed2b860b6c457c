// CPU per JetStream publish: the client's js.publish against the reply mux the services use.
// usage: npm run build && node bench/publish-path.mjs [publishes per round] [rounds]
// Each round publishes N 350-byte messages with 256 in flight, alternating the two paths, on an
// embedded nats-server with a file-stored stream.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startEmbeddedServer } from '../dist/broker/embedded-server.js';
import { connectBroker } from '../dist/broker/connection.js';
import { ReplyMux } from '../dist/broker/reply-mux.js';
import { publishToStream } from '../dist/broker/stream-publish.js';

// As in the service workers: nats.js makes an Error per completed request.
Error.stackTraceLimit = 0;
const N = Number(process.argv[2] ?? 60000);
const rounds = Number(process.argv[3] ?? 3);
const WINDOW = 256;
const server = await startEmbeddedServer();
const nc = await connectBroker(server.url, 'publish-path-bench');
await (await jetstreamManager(nc)).streams.add({ name: 'PUBLISH_PATH', subjects: ['publish-path.>'] });
const js = jetstream(nc);
const mux = new ReplyMux(nc);
const data = new Uint8Array(350).fill(65);
const paths = {
  'js.publish': (id) => js.publish('publish-path.x', data, { msgID: id }),
  'reply mux': (id) => publishToStream(mux, 'publish-path.x', data, { msgID: id }),
};

async function round(name) {
  const publish = paths[name];
  const start = performance.now();
  const cpu = process.cpuUsage();
  let sent = 0;
  let done = 0;
  await new Promise((resolve, reject) => {
    const pump = () => {
      while (sent - done < WINDOW && sent < N) {
        publish(`${name}-${rounds}-${sent++}-${start}`).then(() => (++done === N ? resolve() : pump()), reject);
      }
    };
    pump();
  });
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - start;
  return { rate: Math.round((N / ms) * 1000), cpuMicros: (used.user + used.system) / N };
}

const results = { 'js.publish': [], 'reply mux': [] };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? ['reply mux', 'js.publish'] : ['js.publish', 'reply mux']) results[name].push(await round(name));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, rs] of Object.entries(results)) {
  process.stdout.write(
    `${name.padEnd(11)} publishes/s ${rs.map((r) => r.rate).join(' · ')} (median ${median(rs.map((r) => r.rate))}) · ` +
      `CPU µs per publish ${rs.map((r) => r.cpuMicros.toFixed(1)).join(' · ')} (median ${median(rs.map((r) => r.cpuMicros)).toFixed(1)})\n`,
  );
}
mux.close();
await nc.close();
await server.stop();
