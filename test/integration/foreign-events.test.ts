import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { RunEngine } from '../../src/engine/run.js';
import { expectInvariantsPass, scenario, startNats } from '../helpers/nats.js';

// Another client publishes saga events for orders this run never placed.
describe('foreign events', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('are counted apart, change no count or invariant, and cannot end the drain early', async () => {
    const engine = new RunEngine({ scenario: scenario('name: foreign\nseed: 2\norders: { count: 600, rate: 300 }\n'), server });
    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    const ghost = (type: string, payload: unknown) =>
      js.publish(type, JSON.stringify({ eventId: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), orderId: `ghost-${type}`, causationId: 'elsewhere', payload }));
    let published: Promise<unknown> | undefined;
    engine.subscribe((event) => {
      if (event.type === 'snapshot' && event.snapshot.sent >= 100 && !published) {
        // A terminal event for an order never placed, and one with a generated-looking id beyond the run's.
        published = Promise.all([ghost('order.confirmed.v1', { amount: 100 }), js.publish('order.cancelled.v1', JSON.stringify({ eventId: randomUUID(), type: 'order.cancelled.v1', version: 1, occurredAt: new Date().toISOString(), orderId: 'ord-999999', causationId: 'elsewhere', payload: { reason: 'payment_failed' } }))]);
      }
    });
    const report = await engine.run();
    await published;
    await nc.close();
    expect(report.orders).toMatchObject({ total: 600, pending: 0 });
    expect(report.orders.confirmed + report.orders.cancelled + report.orders.failed).toBe(600);
    expect(report.events.foreign).toBe(2);
    expectInvariantsPass(report);
  });
});
