import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerUnavailableError } from '../errors.js';
import { atLeast, binaryVersion, findNatsServer } from './find-binary.js';
import { watchOwner } from './watchdog.js';

export interface EmbeddedServerOptions {
  /** Path to nats-server; default: NATS_SERVER_BIN, then PATH. */
  bin?: string;
  /** fsync every write (sync_interval: always) so kill -9 loses nothing acknowledged. Needs 2.10+; default false. */
  syncAlways?: boolean;
  /** How long to wait for the server to become healthy. Default 10 s. */
  readyTimeoutMs?: number;
  /** Ports to take when they are free (saga-sim up: the design's 4222 and 8222); others are any free port. */
  preferPorts?: { client?: number; monitor?: number };
}

export interface EmbeddedServer {
  url: string;
  monitorUrl: string;
  version: string;
  storeDir: string;
  /** The server process's id while it runs (a restart gives a new one). */
  pid(): number | undefined;
  stop(): Promise<void>;
  /** SIGKILLs the server (a crash: no shutdown, nothing flushed by it). */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store, and waits until it is healthy. */
  restart(): Promise<void>;
}

export const DEFAULT_READY_TIMEOUT_MS = 10_000;
export interface Running {
  child: ChildProcess;
  dir: string;
  watchdog?: { release(): void };
}
/** In the store's directory: the watchdog kills the pid it names if this process dies. */
export const PID_FILE = 'nats.pid';
/** Servers still running, so the last-resort exit hook can kill them and remove their stores. */
const live = new Set<Running>();
let exitHookInstalled = false;

/**
 * Runs `fn` against `natsUrl`, or against an embedded server started for it and stopped after.
 * For commands that make several runs on one server (sweep points, find-max steps); `fn` gets
 * the server too when it was started here.
 */
export async function withNatsServer<T>(natsUrl: string | undefined, fn: (url: string, server?: EmbeddedServer) => Promise<T>): Promise<T> {
  if (natsUrl) return fn(natsUrl);
  const server = await startEmbeddedServer();
  try {
    return await fn(server.url, server);
  } finally {
    await server.stop();
  }
}

/** Spawns nats-server with JetStream on free ports and a temporary store, and waits until it is healthy. */
export async function startEmbeddedServer(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const bin = options.bin ?? findNatsServer();
  const version = binaryVersion(bin);
  const [free, freeMonitor] = await freePorts(2);
  const port = (await takePort(options.preferPorts?.client)) ?? (free as number);
  const monitorPort = (await takePort(options.preferPorts?.monitor)) ?? (freeMonitor as number);
  const dir = mkdtempSync(join(tmpdir(), 'saga-sim-nats-'));
  const config = [
    'listen: "127.0.0.1:' + port + '"',
    'http: "127.0.0.1:' + monitorPort + '"',
    'max_payload: 2MB',
    `pid_file: ${JSON.stringify(join(dir, PID_FILE))}`,
    `jetstream { store_dir: ${JSON.stringify(join(dir, 'store'))}${
      options.syncAlways && atLeast(version, 2, 10) ? ', sync_interval: always' : ''
    } }`,
  ].join('\n');
  writeFileSync(join(dir, 'nats.conf'), config);
  const url = `nats://127.0.0.1:${port}`;
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const entry: Running = { child: await launch(bin, dir, monitorUrl, readyTimeoutMs), dir, watchdog: watchOwner(dir, join(dir, PID_FILE)) };
  track(entry);
  return {
    url,
    monitorUrl,
    version: version.join('.'),
    storeDir: dir,
    pid: () => (entry.child.exitCode === null && entry.child.signalCode === null ? entry.child.pid : undefined),
    stop: () => stopChild(entry),
    async kill() {
      const { child } = entry;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
      // Killed, it leaves its pid file; a later pid of that number is not the server's.
      rmSync(join(dir, PID_FILE), { force: true });
    },
    async restart() {
      entry.child = await launch(bin, dir, monitorUrl, readyTimeoutMs);
    },
  };
}

/** Spawns nats-server on the config in `dir` and waits until it is healthy; on failure, says why with the log's tail. */
export async function launch(bin: string, dir: string, monitorUrl: string, readyTimeoutMs: number): Promise<ChildProcess> {
  const logFile = join(dir, 'nats.log');
  const child = spawn(bin, ['-c', join(dir, 'nats.conf'), '-l', logFile], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  try {
    await waitHealthy(monitorUrl, readyTimeoutMs, () => exited, spawnError);
  } catch (cause) {
    const tail = readTail(logFile);
    await stopChild({ child, dir });
    throw new BrokerUnavailableError(
      `nats-server (${bin}) did not become ready: ${(cause as Error).message}${tail ? ` — log: ${tail}` : ''}`,
      { cause },
    );
  }
  return child;
}

async function waitHealthy(monitorUrl: string, timeoutMs: number, exited: () => boolean, spawnError: Promise<Error>) {
  const deadline = Date.now() + timeoutMs;
  let failure: Error | undefined;
  void spawnError.then((e) => (failure = e));
  while (Date.now() < deadline) {
    if (failure) throw failure;
    if (exited()) throw new Error('the process exited');
    try {
      const res = await fetch(`${monitorUrl}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not healthy after ${timeoutMs} ms`);
}

export async function stopChild(entry: Running): Promise<void> {
  const { child, dir } = entry;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
  entry.watchdog?.release();
  live.delete(entry);
}

/** Kills the server and removes its store on any exit path that skips its stop(). */
export function track(entry: Running): void {
  live.add(entry);
  installExitHook();
}

/** On any exit path that skipped stop(), still kill the servers and delete their stores. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const { child, dir } of live) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

/** `port` when nothing listens on it on loopback now, else undefined. */
async function takePort(port: number | undefined): Promise<number | undefined> {
  if (port === undefined) return undefined;
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(port)));
  });
}

/** Ports the OS reports free now. Held open together so the same port is not handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
