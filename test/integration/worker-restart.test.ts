import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import type { WorkerConfig } from '../../src/services/protocol.js';
import { ServiceWorker } from '../../src/services/worker-handle.js';
import { startNats } from '../helpers/nats.js';

let server: EmbeddedServer;
beforeAll(async () => {
  server = await startNats();
}, 30_000);
afterAll(() => server?.stop());

function paymentWorker(): ServiceWorker {
  const config: WorkerConfig = {
    service: 'payment',
    namespace: { id: '', subjectPrefix: '' },
    natsUrl: server.url,
    topology: 'parallel',
    delivery: 'core',
    jetstream: { acks: 'single' },
    state: 'memory',
    consumers: [],
    payment: { seed: 1, successRate: 1, simulated: true },
    stock: {},
    forcedPayments: {},
    shortOrders: [],
    delayMs: {},
    replyLatency: { kind: 'constant', ms: 0 },
    dropShare: 0,
    duplicateShare: 0,
    sagaTimeoutMs: 30_000,
    settled: [],
    heap: 'fast',
    log: { level: 'silent', format: 'text' },
    statsIntervalMs: 100,
  };
  return new ServiceWorker(config, (error) => {
    throw error;
  });
}

describe('a service worker', () => {
  it('has reported its loop time by the time it is ready, so a run measures busy shares from there, not from its start', async () => {
    const worker = paymentWorker();
    try {
      await worker.ready();
      expect(worker.stats.loopBusyMs).toBeGreaterThan(0);
      expect(worker.stats.loopIdleMs).toBeGreaterThanOrEqual(0);
    } finally {
      await worker.stop();
    }
  }, 30_000);
});

describe('a service worker killed by a crash fault', () => {
  it('answers a snapshot asked of the worker it replaced, and one asked while it was down', async () => {
    const worker = paymentWorker();
    try {
      await worker.ready();
      // Asked, then killed before its answer is read: the answer of a killed worker is stale and
      // ignored, so only asking the new worker again can answer it.
      const beforeKill = worker.snapshot(5_000);
      await worker.kill();
      const whileDown = worker.snapshot(5_000);
      await worker.restart();
      await expect(beforeKill).resolves.toEqual({ service: 'payment', transactions: [] });
      await expect(whileDown).resolves.toEqual({ service: 'payment', transactions: [] });
      expect(worker.restarts).toBe(1);
    } finally {
      await worker.stop();
    }
  }, 30_000);
});
