import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { RunNames } from '../../src/broker/names.js';
import { BrokerUnavailableError } from '../../src/errors.js';
import { RunEngine } from '../../src/engine/run.js';
import { EVENT_TYPES, isTerminalType } from '../../src/events/subjects.js';
import { INVENTORY_CONSUMES } from '../../src/services/inventory/logic.js';
import { ORDER_CONSUMES } from '../../src/services/order/logic.js';
import { paymentConsumes } from '../../src/services/payment/logic.js';
import { scenario, startNats, waitFor } from '../helpers/nats.js';

let server: EmbeddedServer;
let nc: NatsConnection;

beforeEach(async () => {
  server = await startNats();
  nc = await connect({ servers: server.url });
});

afterEach(async () => {
  await nc.close();
  await server.stop();
});

async function streamNames(): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) names.push(name);
  return names;
}

describe('against an existing server (--nats-url)', () => {
  it('an independent subscriber on > sees one order.created and one terminal event per order, and the same counts as the report', async () => {
    const seen = new Map<string, { created: number; terminal: number; types: string[] }>();
    const bySubject = new Map<string, number>();
    const sub = nc.subscribe('>', {
      callback: (_err, msg) => {
        if (!(EVENT_TYPES as readonly string[]).includes(msg.subject)) return;
        // `>` also matches JetStream's deliveries to consumers (reply $JS.ACK...); count only publishes.
        if (msg.reply?.startsWith('$JS.ACK')) return;
        bySubject.set(msg.subject, (bySubject.get(msg.subject) ?? 0) + 1);
        const { orderId } = msg.json<{ orderId: string }>();
        const entry = seen.get(orderId) ?? { created: 0, terminal: 0, types: [] };
        if (msg.subject === 'order.created.v1') entry.created++;
        if (isTerminalType(msg.subject)) entry.terminal++;
        entry.types.push(msg.subject);
        seen.set(orderId, entry);
      },
    });
    await nc.flush();
    const report = await new RunEngine({
      scenario: scenario('name: watched\nseed: 8\norders: { count: 300, rate: 400 }\ncatalogue: { products: 5, stock: 150 }\npayment: { successRate: 0.7 }\n'),
      natsUrl: server.url,
    }).run();
    await waitFor('the subscriber to see every terminal event', () => [...seen.values()].filter((e) => e.terminal > 0).length >= 300);
    sub.unsubscribe();

    expect(report.broker.embedded).toBe(false);
    expect(seen.size).toBe(300);
    for (const [orderId, entry] of seen) {
      expect({ orderId, created: entry.created, terminal: entry.terminal }).toEqual({ orderId, created: 1, terminal: 1 });
      const has = (t: string) => entry.types.includes(t);
      if (has('payment.failed.v1') && has('inventory.reserved.v1')) expect(has('inventory.released.v1')).toBe(true);
      if (has('inventory.failed.v1') && has('payment.confirmed.v1')) expect(has('payment.refunded.v1')).toBe(true);
    }
    for (const type of EVENT_TYPES) expect([type, bySubject.get(type) ?? 0]).toEqual([type, report.events.byType[type]]);
    expect(report.orders.confirmed).toBe(bySubject.get('order.confirmed.v1'));
    expect(report.orders.cancelled).toBe(bySubject.get('order.cancelled.v1'));
    expect(report.compensations.inventoryReleased).toBe(bySubject.get('inventory.released.v1') ?? 0);
    expect(report.compensations.paymentRefunded).toBe(bySubject.get('payment.refunded.v1') ?? 0);
    expect(report.passed).toBe(true);
  });

  it('leaves no stream behind, unless keep is set; what a kept run left is its own, and the next run never deletes it', async () => {
    const yaml = 'name: tidy\norders: { count: 20, rate: 200 }\n';
    await new RunEngine({ scenario: scenario(yaml), natsUrl: server.url }).run();
    expect(await streamNames()).toEqual([]);
    const kept = await new RunEngine({ scenario: scenario(yaml), natsUrl: server.url, keep: true }).run();
    const names = new RunNames({ id: kept.broker.namespace, subjectPrefix: '' });
    expect(kept.broker.namespace).toMatch(/^[a-z0-9]{8}$/);
    const keptStreams = [names.deadLetterStream, names.eventsStream, ...['inventory', 'order', 'payment'].map((s) => `KV_${names.stateBucket(s)}`)].sort();
    expect((await streamNames()).sort()).toEqual(keptStreams);

    // The kept stream still holds the design's subjects: the next run on them is refused, naming it and the way out.
    const refused = await new RunEngine({ scenario: scenario(yaml), natsUrl: server.url }).run().catch((e: Error) => e);
    expect(refused).toBeInstanceOf(BrokerUnavailableError);
    expect((refused as Error).message).toMatch(new RegExp(`already stored by stream ${names.eventsStream} \\(saga-sim run · namespace ${names.id} · pid \\d+ on .+, no longer answering\\); give this run its own subjects with --subject-prefix <name>, or remove leftovers with saga-sim clean`));
    // With subjects of its own, it runs beside the kept streams and leaves them as they were.
    const warnings: string[] = [];
    const beside = new RunEngine({ scenario: scenario(yaml), natsUrl: server.url, namespace: { subjectPrefix: 'job-2' } });
    beside.subscribe((e) => e.type === 'warning' && warnings.push(e.message));
    const report = await beside.run();
    expect(report.passed).toBe(true);
    expect(report.orders.total).toBe(20);
    expect(warnings).toEqual([]);
    expect((await streamNames()).sort()).toEqual(keptStreams);
  });

  it('delivers each service only the subjects it handles: one consumer per service on 2.10+, one per subject on 2.9', async () => {
    const yaml = 'name: filtered\nseed: 3\norders: { count: 200, rate: 400 }\npayment: { successRate: 0.6 }\n';
    const report = await new RunEngine({ scenario: scenario(yaml), natsUrl: server.url, keep: true }).run();
    const names = new RunNames({ id: report.broker.namespace, subjectPrefix: '' });
    const jsm = await jetstreamManager(nc);
    const filters = new Map<string, string[]>();
    for await (const c of jsm.consumers.list(names.eventsStream)) {
      if (!c.config.durable_name) continue;
      const subjects = c.config.filter_subjects ?? (c.config.filter_subject ? [c.config.filter_subject] : []);
      const service = names.serviceOfConsumer(c.config.durable_name);
      filters.set(service, [...(filters.get(service) ?? []), ...subjects].sort());
    }
    expect(Object.fromEntries(filters)).toEqual({
      order: [...ORDER_CONSUMES].sort(),
      // The parallel topology (the default): payment charges on order.created, not inventory.reserved.
      payment: [...paymentConsumes('parallel')].sort(),
      inventory: [...INVENTORY_CONSUMES].sort(),
    });
    for (const service of ['order', 'payment', 'inventory'] as const) expect([service, report.services[service]?.ignored]).toEqual([service, 0]);
    expect(report.passed).toBe(true);
  });

  it('garbage on saga subjects is dead-lettered and duplicate deliveries change nothing', async () => {
    const js = jetstream(nc);
    const garbage = [
      new TextEncoder().encode('{not json'),
      new TextEncoder().encode(JSON.stringify({ eventId: 'x', type: 'order.created.v1', version: 9, occurredAt: new Date().toISOString(), orderId: 'g', causationId: 'g', payload: {} })),
      new TextEncoder().encode(JSON.stringify({ eventId: 'y', type: 'order.created.v1', version: 1, occurredAt: new Date().toISOString(), causationId: 'g', payload: {} })),
      new Uint8Array(1024 * 1024).fill(120),
    ];
    const duplicatedIds = new Set<string>();
    const publishes: Promise<unknown>[] = [];
    let injected = false;
    // Re-deliver every saga-starting and compensation-triggering event under a new message id,
    // which JetStream cannot de-duplicate: only the services' idempotency protects the ledgers.
    const sub = nc.subscribe('*.*.v1', {
      callback: (_err, msg) => {
        if (!['order.created.v1', 'payment.failed.v1', 'inventory.failed.v1'].includes(msg.subject)) return;
        if (msg.reply?.startsWith('$JS.ACK')) return;
        if (msg.data.byteLength > 10_000 || msg.data[0] !== 0x7b) return;
        let eventId: string | undefined;
        try {
          eventId = msg.json<{ eventId?: string }>().eventId;
        } catch {
          return;
        }
        // Each event once: the copy itself arrives here too.
        if (!eventId?.startsWith('ord-') || duplicatedIds.has(eventId)) return;
        duplicatedIds.add(eventId);
        publishes.push(js.publish(msg.subject, msg.data, { msgID: `dup-${eventId}` }));
        if (!injected) {
          injected = true;
          for (const data of garbage) publishes.push(js.publish('order.created.v1', data));
        }
      },
    });
    await nc.flush();
    const report = await new RunEngine({
      scenario: scenario('name: hostile\nseed: 9\norders: { count: 200, rate: 300 }\ncatalogue: { products: 4, stock: 60 }\npayment: { successRate: 0.6 }\n'),
      natsUrl: server.url,
    }).run();
    sub.unsubscribe();
    await Promise.all(publishes);

    expect(duplicatedIds.size).toBeGreaterThanOrEqual(200);
    expect(report.events.duplicates).toBeGreaterThanOrEqual(200);
    expect(report.events.invalid).toBe(garbage.length);
    // Every consumer that receives the garbage dead-letters it (each of them, on servers before 2.10).
    const deadLettered = Object.values(report.services).reduce((n, s) => n + s.deadLetters, 0);
    expect(deadLettered).toBeGreaterThanOrEqual(2 * garbage.length);
    expect(report.events.deadLetters).toBe(deadLettered);
    expect(report.orders.total).toBe(200);
    expect(report.orders.confirmed + report.orders.cancelled).toBe(200);
    expect(report.invariants.filter((i) => !i.passed)).toEqual([]);
  });
});

describe('core delivery (at most once)', () => {
  it('runs the same saga on queue-group subscriptions, with the same seeded outcomes as JetStream, and creates no stream', async () => {
    const yaml = 'name: core\nseed: 16\norders: { count: 300, rate: 300 }\npayment: { successRate: 0.7 }\n';
    const core = await new RunEngine({ scenario: scenario(`${yaml}delivery: core\n`), natsUrl: server.url }).run();
    expect(await streamNames()).toEqual([]);
    const durable = await new RunEngine({ scenario: scenario(yaml), natsUrl: server.url }).run();
    expect(core.delivery).toBe('core');
    expect(core.orders).toEqual(durable.orders);
    expect(core.compensations).toEqual(durable.compensations);
    expect(core.passed).toBe(true);
  });
});
