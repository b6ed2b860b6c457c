import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../src/broker/embedded-server.js';
import { findNatsServer } from '../../src/broker/find-binary.js';

export interface SecuredServer {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** A nats-server with JetStream and the given config block (authorization, tls), on a free port and a temp store. */
export async function startSecuredNats(block: (dir: string) => string): Promise<SecuredServer> {
  const [port] = (await freePorts(1)) as [number];
  const dir = mkdtempSync(join(tmpdir(), 'saga-sim-secured-'));
  writeFileSync(join(dir, 'nats.conf'), [`listen: "127.0.0.1:${port}"`, `jetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }`, block(dir)].join('\n'));
  const child: ChildProcess = spawn(findNatsServer(), ['-c', join(dir, 'nats.conf'), '-l', join(dir, 'nats.log')], { stdio: 'ignore' });
  // Listening is enough here: the port answers once the server has loaded its config.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nats-server with ${dir}/nats.conf did not start`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
