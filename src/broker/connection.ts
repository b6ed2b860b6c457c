import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BrokerUnavailableError } from '../errors.js';
import type { ConnectionState } from '../engine/events.js';
import { parseVersion } from './find-binary.js';

/** Default time to wait for a server before reporting it unreachable. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export async function connectBroker(url: string, name: string, timeout = DEFAULT_CONNECT_TIMEOUT_MS): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url,
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
    throw new BrokerUnavailableError(
      `cannot reach NATS at ${url} (${(cause as Error).message}); check the URL, or omit --nats-url to start a local nats-server`,
      { cause },
    );
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
