import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { BrokerUnavailableError } from '../errors.js';

export const INSTALL_HINT =
  'install it (apt-get install nats-server, brew install nats-server, or docker compose up -d nats), ' +
  'set NATS_SERVER_BIN, or pass --nats-url to use a running server';

/** NATS_SERVER_BIN if set, else the first nats-server on PATH. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new BrokerUnavailableError(`NATS_SERVER_BIN=${explicit} is not an executable file; ${INSTALL_HINT}`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new BrokerUnavailableError(`nats-server not found on PATH; ${INSTALL_HINT}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** "nats-server: v2.9.10" → [2, 9, 10]. */
export function binaryVersion(bin: string): [number, number, number] {
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return parseVersion(out);
}

export function parseVersion(text: string): [number, number, number] {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

export function atLeast(version: readonly number[], major: number, minor: number): boolean {
  const [a = 0, b = 0] = version;
  return a > major || (a === major && b >= minor);
}
