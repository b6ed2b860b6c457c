import { jetstream } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { connectBroker } from '../../src/broker/connection.js';
import { startEmbeddedServer } from '../../src/broker/embedded-server.js';
import { RunNames } from '../../src/broker/names.js';
import { RunEngine } from '../../src/engine/run.js';
import { EVENT_TYPES } from '../../src/events/subjects.js';
import type { Report } from '../../src/report/report.js';
import { SERVICE_NAMES } from '../../src/services/service.js';
import { expectInvariantsPass, scenario, waitFor } from '../helpers/nats.js';

const sum = (r: Report, key: keyof Report['services']['order']) => SERVICE_NAMES.reduce((n, s) => n + r.services[s][key], 0);
/** One run of an inline scenario on its own embedded server. */
const run = (yaml: string) => new RunEngine({ scenario: scenario(yaml) }).run();
const terminal = (r: Report) => r.orders.confirmed + r.orders.cancelled + r.orders.failed;

describe('faults and delivery guarantees', () => {
  it('JetStream, 10,000 orders at 500/s, payment crash at 5 s and a broker kill -9 at 10 s: every saga ends, none lost, counts match an independent reader', async () => {
    const server = await startEmbeddedServer({ syncAlways: true });
    try {
      const report = await new RunEngine({
        server,
        scenario: scenario(
          'name: crash-and-kill\nseed: 7\norders: { count: 10000, rate: 500 }\npayment: { successRate: 0.9 }\ndrainTimeout: 90s\n' +
            'faults:\n  - { crash: payment, at: 5s, restartAfter: 2s }\n  - { broker: kill, at: 10s, restartAfter: 1s }\n',
        ),
      }).run();
      expect(report.faults.map((f) => f.kind).sort()).toEqual(['broker-kill', 'crash']);
      expect(terminal(report)).toBe(10_000);
      expect(report.orders.failed).toBe(0);
      expect(report.events.byType['order.created.v1']).toBe(10_000);
      expectInvariantsPass(report);

      // An independent reader of the whole stream, after the run, on the same server.
      const nc = await connectBroker(server.url, 'independent-reader');
      const EVENTS_STREAM = new RunNames({ id: report.broker.namespace, subjectPrefix: '' }).eventsStream;
      try {
        const info = await (await jetstream(nc).streams.get(EVENTS_STREAM)).info();
        const bySubject = new Map<string, number>();
        let read = 0;
        const messages = await (await jetstream(nc).consumers.get(EVENTS_STREAM)).consume();
        void (async () => {
          for await (const m of messages) {
            bySubject.set(m.subject, (bySubject.get(m.subject) ?? 0) + 1);
            read++;
          }
        })();
        await waitFor('the whole stream', () => read >= info.state.messages, 30_000);
        await messages.close();
        for (const type of EVENT_TYPES) expect([type, bySubject.get(type) ?? 0]).toEqual([type, report.events.byType[type]]);
      } finally {
        await nc.close();
      }
    } finally {
      await server.stop();
    }
  }, 150_000);

  it('a worker restarted while the broker is down waits for the broker, and the run ends whole', async () => {
    // The payment worker comes back at 1.3 s, while the broker is down from 1.2 s to about 2.7 s:
    // its connection, state load and consumer lookups are retried rather than failing the run.
    const r = await run(
      'name: restart-during-outage\nseed: 12\norders: { count: 1500, rate: 500 }\ndrainTimeout: 60s\n' +
        'faults:\n  - { crash: payment, at: 1s, restartAfter: 300ms }\n  - { broker: kill, at: 1200ms, restartAfter: 1500ms }\n',
    );
    expect(r.faults.map((f) => f.kind).sort()).toEqual(['broker-kill', 'crash']);
    expect(terminal(r)).toBe(1500);
    expect(r.orders.failed).toBe(0);
    expectInvariantsPass(r);
  }, 90_000);

  it('core delivery with the same crash: the losses show as timeouts, FAILED and compensated, and the invariants hold', async () => {
    // The saga timeout (8 s) outlasts the outage with its restart (1 s, plus 1-2 s to start a
    // worker on a loaded machine): a compensation published while payment is down would be lost
    // on core, a true violation, but not the one this test is about.
    const r = await run(
      'name: core-crash\nseed: 8\ndelivery: core\norders: { count: 1500, rate: 500 }\nsaga: { timeout: 8s }\ndrainTimeout: 30s\n' +
        'faults:\n  - { crash: payment, at: 1s, restartAfter: 1s }\n',
    );
    expect(r.faults).toMatchObject([{ kind: 'crash', service: 'payment' }]);
    expect(r.orders.failed).toBeGreaterThan(0);
    expect(terminal(r)).toBe(1500);
    expectInvariantsPass(r);
  }, 90_000);

  it('drop in JetStream mode: every dropped message is redelivered and no saga fails', async () => {
    const r = await run(
      'name: drop-js\nseed: 9\norders: { count: 1000, rate: 500 }\njetstream: { backoff: [500ms] }\ndrainTimeout: 30s\nfaults:\n  - { drop: 0.05 }\n',
    );
    expect(sum(r, 'dropped')).toBeGreaterThan(0);
    expect(sum(r, 'redelivered')).toBeGreaterThanOrEqual(sum(r, 'dropped'));
    expect(r.orders.failed).toBe(0);
    expect(r.faults).toEqual([{ kind: 'drop', share: 0.05, service: 'all' }]);
    expectInvariantsPass(r);
  }, 60_000);

  it('drop in core mode: lost messages end sagas FAILED by timeout, and lost compensations are reported as violations', async () => {
    const r = await run('name: drop-core\nseed: 9\ndelivery: core\norders: { count: 1000, rate: 500 }\nsaga: { timeout: 1s }\nfaults:\n  - { drop: 0.1 }\n');
    expect(sum(r, 'dropped')).toBeGreaterThan(0);
    expect(sum(r, 'redelivered')).toBe(0);
    expect(r.orders.failed).toBeGreaterThan(0);
    expect(r.orders.pending).toBe(0);
    // At most once: an order.failed.v1 that inventory never got leaves its reservation held. The
    // report says so rather than passing.
    const held = r.invariants.find((i) => i.name.startsWith('a CANCELLED or FAILED order holds no reservation'));
    expect(held?.passed).toBe(false);
    expect(r.passed).toBe(false);
  }, 60_000);

  it('a message a consumer never acknowledges is given up after max_deliver and dead-lettered from the advisory', async () => {
    const r = await run(
      'name: exhausted\nseed: 10\norders: { count: 40, rate: 200 }\njetstream: { maxDeliver: 2, backoff: [200ms] }\nsaga: { timeout: 1s }\n# payment never decides, so the failed sagas never settle: do not wait long for that.\ndrainTimeout: 3s\n' +
        'faults:\n  - { drop: 1, service: payment }\n',
    );
    // payment drops every delivery of what it consumes in the parallel topology: order.created.v1
    // and order.failed.v1, two deliveries each; each then goes to its dead letters.
    // At least those: on a loaded machine a busy service may also miss the 200 ms ack wait twice.
    expect(r.events.exhausted).toBeGreaterThanOrEqual(80);
    expect(r.events.deadLetters).toBeGreaterThanOrEqual(80);
    expect(r.orders.failed).toBe(40);
    expectInvariantsPass(r);
  }, 60_000);

  it('a latency distribution on payment shows in the payment step', async () => {
    const r = await run(
      'name: latency\nseed: 11\norders: { count: 300, rate: 150 }\nfaults:\n  - latency:\n      service: payment\n      distribution: normal(40ms, 5ms)\n',
    );
    expect(r.latency.steps.payment.p50).toBeGreaterThan(30);
    // Relative, not absolute: beside other test files both steps slow down, but only payment by ~40 ms.
    expect(r.latency.steps.payment.p50 - r.latency.steps.inventory.p50).toBeGreaterThan(20);
    expect(r.faults).toEqual([{ kind: 'latency', service: 'payment', distribution: { kind: 'normal', mean: 40, sd: 5 } }]);
    expectInvariantsPass(r);
  }, 60_000);

  it('copies re-emitted on redelivery, which the stream drops, are not counted as duplicates sent', async () => {
    // A redelivered message re-emits its events and draws the duplicate fault again; JetStream
    // drops a copy it already holds, so the services' count must stay close to what crossed NATS.
    const r = await run(
      'name: slow-dup\nseed: 12\norders: { count: 600, rate: 300 }\njetstream: { backoff: [500ms] }\ndrainTimeout: 30s\n' +
        'faults:\n  - { slow: inventory, at: 300ms, for: 1500ms }\n  - duplicate: 0.5\n',
    );
    expect(r.services.inventory.redelivered).toBeGreaterThan(0);
    const sent = sum(r, 'duplicatesSent');
    expect(sent).toBeGreaterThan(0);
    // Counting every re-emitted copy, the services claimed 2,747 against 1,601 seen (×1.72). Exact
    // agreement is out of reach on a loaded machine: with a 500 ms ack wait, a redelivery can overlap
    // the first handling, and a publish whose PubAck timed out may or may not have been stored, which
    // no client can tell. Loaded CI runs differed by 1-5% (BENCHMARKS.md, measured 2026-11-25, "lost pulls").
    expect(Math.abs(r.events.duplicates - sent)).toBeLessThanOrEqual(Math.ceil(sent * 0.15));
    expectInvariantsPass(r);
  }, 60_000);

  it('a stalled inventory consumer: its messages are redelivered, handled once, and every saga ends', async () => {
    const r = await run(
      'name: slow\nseed: 12\norders: { count: 600, rate: 300 }\njetstream: { backoff: [500ms] }\ndrainTimeout: 30s\nfaults:\n  - { slow: inventory, at: 300ms, for: 1500ms }\n',
    );
    expect(r.services.inventory.redelivered).toBeGreaterThan(0);
    expect(r.faults).toMatchObject([{ kind: 'slow', service: 'inventory', forMs: 1500 }]);
    expect(r.latency.ms.max).toBeGreaterThan(1000);
    expect(r.orders.failed).toBe(0);
    expectInvariantsPass(r);
  }, 60_000);
});
