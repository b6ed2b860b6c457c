import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { measureBaseline, sagaMessagesPerSecond } from '../../src/experiment/baseline.js';
import { startNats } from '../helpers/nats.js';

describe('raw broker baseline', () => {
  it('measures core and JetStream rates on the same server and leaves no stream behind', async () => {
    const server = await startNats();
    try {
      const b = await measureBaseline(server.url, 0.5);
      // Both were attempted and reported; their size is the machine's (BENCHMARKS.md).
      expect(b.coreMsgsPerSecond).toBeGreaterThan(0);
      expect(b.jetstreamPublishesPerSecond).toBeGreaterThan(0);
      // Not compared with each other: in half a second beside other test files, both are bound by
      // round trips (a flush per thousand, a window of 256), and either can come out ahead.
      const nc = await connect({ servers: server.url });
      const names: string[] = [];
      for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
      expect(names).toEqual([]);
      await nc.close();
    } finally {
      await server.stop();
    }
  });

  it('saga messages per second are events per saga times sagas per second', () => {
    expect(sagaMessagesPerSecond({ a: 400, b: 400 }, 50, 100)).toBe(400);
    expect(sagaMessagesPerSecond({ a: 1 }, 50, 0)).toBe(0);
  });
});
