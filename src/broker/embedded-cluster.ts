import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerUnavailableError } from '../errors.js';
import { DEFAULT_READY_TIMEOUT_MS, freePorts, launch, PID_FILE, stopChild, track, type EmbeddedServer, type Running } from './embedded-server.js';
import { binaryVersion, findNatsServer } from './find-binary.js';
import { watchOwner } from './watchdog.js';

/** An embedded cluster: the nodes' client URLs joined (what clients connect to), and the nodes. */
export interface EmbeddedCluster extends EmbeddedServer {
  nodes: number;
}

/**
 * Starts `size` nats-servers on loopback as one cluster (routes between them, JetStream clustered,
 * each node with its own store) and waits until JetStream has a meta leader. As an EmbeddedServer,
 * it is the whole cluster for clients (every node's URL) and its first node for faults: a broker
 * kill stops that node alone, and the clients carry on with the others.
 */
export async function startEmbeddedCluster(size: number, readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS * 2): Promise<EmbeddedCluster> {
  const bin = findNatsServer();
  const version = binaryVersion(bin);
  const ports = await freePorts(size * 3);
  const root = mkdtempSync(join(tmpdir(), 'saga-sim-cluster-'));
  const nodes = Array.from({ length: size }, (_, i) => ({ client: ports[i * 3] as number, monitor: ports[i * 3 + 1] as number, route: ports[i * 3 + 2] as number, dir: join(root, `n${i + 1}`) }));
  const entries: Running[] = [];
  try {
    for (const [i, node] of nodes.entries()) {
      mkdirSync(node.dir);
      const routes = nodes.filter((_, j) => j !== i).map((n) => `nats-route://127.0.0.1:${n.route}`);
      writeFileSync(
        join(node.dir, 'nats.conf'),
        [
          `server_name: saga-sim-n${i + 1}`,
          `listen: "127.0.0.1:${node.client}"`,
          `http: "127.0.0.1:${node.monitor}"`,
          'max_payload: 2MB',
          `pid_file: ${JSON.stringify(join(node.dir, PID_FILE))}`,
          `jetstream { store_dir: ${JSON.stringify(join(node.dir, 'store'))} }`,
          `cluster { name: saga-sim, listen: "127.0.0.1:${node.route}", routes: [${routes.map((r) => JSON.stringify(r)).join(', ')}] }`,
        ].join('\n'),
      );
    }
    // Started together: a clustered JetStream node is healthy only once it sees its peers.
    const children = await Promise.all(nodes.map((n) => launch(bin, n.dir, `http://127.0.0.1:${n.monitor}`, readyTimeoutMs)));
    children.forEach((child, i) => {
      const { dir } = nodes[i] as (typeof nodes)[number];
      const entry: Running = { child, dir, watchdog: watchOwner(dir, join(dir, PID_FILE)) };
      track(entry);
      entries.push(entry);
    });
    await waitForMetaLeader(`http://127.0.0.1:${(nodes[0] as { monitor: number }).monitor}`, readyTimeoutMs);
  } catch (error) {
    for (const entry of entries) await stopChild(entry);
    rmSync(root, { recursive: true, force: true });
    throw error instanceof BrokerUnavailableError ? error : new BrokerUnavailableError(`the embedded cluster did not start: ${(error as Error).message}`, { cause: error });
  }
  const first = entries[0] as Running;
  const firstNode = nodes[0] as (typeof nodes)[number];
  return {
    nodes: size,
    url: nodes.map((n) => `nats://127.0.0.1:${n.client}`).join(','),
    monitorUrl: `http://127.0.0.1:${firstNode.monitor}`,
    version: version.join('.'),
    storeDir: root,
    pid: () => (first.child.exitCode === null && first.child.signalCode === null ? first.child.pid : undefined),
    async stop() {
      for (const entry of entries) await stopChild(entry);
      rmSync(root, { recursive: true, force: true });
    },
    async kill() {
      const { child } = first;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
      rmSync(join(first.dir, PID_FILE), { force: true });
    },
    async restart() {
      first.child = await launch(bin, first.dir, `http://127.0.0.1:${firstNode.monitor}`, readyTimeoutMs);
    },
  };
}

async function waitForMetaLeader(monitorUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const jsz = (await (await fetch(`${monitorUrl}/jsz`, { signal: AbortSignal.timeout(1000) })).json()) as { meta_cluster?: { leader?: string } };
      if (jsz.meta_cluster?.leader) return;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new BrokerUnavailableError(`the embedded cluster elected no JetStream leader within ${timeoutMs} ms`);
}
