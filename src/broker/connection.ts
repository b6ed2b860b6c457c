import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../errors.js';
import { connectOptionsOf, mergeAuth, redactUrl, splitUrl, type NatsAuth } from './credentials.js';
import type { ConnectionState } from '../engine/events.js';
import { parseVersion } from './find-binary.js';

/** Default time to wait for a server before reporting it unreachable. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** This process's NATS credentials from flags and environment (set once, at the CLI edge). */
let processAuth: NatsAuth = {};
export function useAuth(auth: NatsAuth): void {
  processAuth = auth;
}
export function currentAuth(): NatsAuth {
  return processAuth;
}

/**
 * Connects with the credentials in the URL, overridden by `auth` (default: this process's flags and
 * environment). Error lines name the server with any secret redacted; a refused login is told apart
 * from an unreachable server.
 */
export async function connectBroker(url: string, name: string, auth: NatsAuth = processAuth, timeout = DEFAULT_CONNECT_TIMEOUT_MS): Promise<NatsConnection> {
  const { servers, auth: fromUrl } = splitUrl(url);
  const options = connectOptionsOf(mergeAuth(fromUrl, auth));
  try {
    return await connect({
      ...options,
      servers,
      name,
      timeout,
      // Keep reconnecting through a broker restart instead of giving up after the default ten tries.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // Every request (a JetStream publish, a KV write, a double ack) would otherwise capture a stack
      // trace for a possible timeout. Turning that off raised saturated throughput by 23-41% (BENCHMARKS.md).
      noAsyncTraces: true,
    });
  } catch (cause) {
    const message = redactUrl((cause as Error).message);
    if (/authoriz|authentic|permissions/i.test(message)) {
      throw new BrokerUnavailableError(`authorization failed at ${redactUrl(url)} (${message}); check the user and password, token, --nats-creds or --nats-nkey`, { cause });
    }
    if (/tls|certificate|ssl/i.test(message)) {
      throw new BrokerUnavailableError(`TLS failed at ${redactUrl(url)} (${message}); check --tls-ca, --tls-cert and --tls-key, or the tls:// URL`, { cause });
    }
    throw new BrokerUnavailableError(`cannot reach NATS at ${redactUrl(url)} (${message}); check the URL, or omit --nats-url to start a local nats-server`, { cause });
  }
}

export function serverVersion(nc: NatsConnection): [number, number, number] {
  return parseVersion(nc.info?.version ?? '0.0.0');
}

/** Maps nats.js status notifications onto the connection state the dashboard shows. */
export function connectionStateOf(type: string): ConnectionState | undefined {
  switch (type) {
    case 'disconnect':
      return 'disconnected';
    case 'reconnecting':
      return 'reconnecting';
    case 'reconnect':
      return 'connected';
    case 'close':
      return 'closed';
    default:
      return undefined;
  }
}
