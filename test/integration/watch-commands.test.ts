import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { RunEngine } from '../../src/engine/run.js';
import { cli, startCli } from '../helpers/cli.js';
import { scenario, startNats, waitFor } from '../helpers/nats.js';

// saga-sim events and trace, against a server a run used (and kept).
describe('saga-sim events and trace', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('events tails every saga event of a run as JSON lines, then trace shows one saga from the stream', async () => {
    const tail = startCli(['events', '--json', '--nats-url', server.url]);
    // The tail has subscribed when it says so on stderr.
    await waitFor('the tail to subscribe', () => /^watching /.test(tail.stderr()), 20_000);
    const report = await new RunEngine({ scenario: scenario('name: t\nseed: 5\norders: { count: 40, rate: 200 }\npayment: { successRate: 0.5 }\n'), server }).run();
    expect(report.orders.pending).toBe(0);
    const lines = () => tail.stdout().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; orderId: string });
    await waitFor('every terminal event in the tail', () => lines().filter((l) => l.type.startsWith('order.') && l.type !== 'order.created.v1').length >= 40, 10_000);
    expect(lines().filter((l) => l.type === 'order.created.v1')).toHaveLength(40);
    expect(lines().filter((l) => l.type === 'order.confirmed.v1')).toHaveLength(report.orders.confirmed);
    tail.child.kill('SIGINT');
    expect((await tail.done).code).toBe(0);

    const cancelled = lines().find((l) => l.type === 'order.cancelled.v1') as { orderId: string };
    // A run's stream is in its namespace: without one, trace names the namespaces it found.
    const lost = await cli(['trace', cancelled.orderId, '--nats-url', server.url]);
    expect(lost.code).toBe(3);
    expect(lost.stderr).toContain(`no SAGA_SIM_EVENTS stream on ${server.url}; namespaces there: ${report.broker.namespace} (--namespace)`);
    const trace = await cli(['trace', cancelled.orderId, '--nats-url', server.url, '--namespace', report.broker.namespace]);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toMatch(new RegExp(`^order ${cancelled.orderId} · CANCELLED · \\d+ events over \\d+ ms`));
    expect(trace.stdout).toContain('order.created.v1');
    expect(trace.stdout).toContain('payment.failed.v1');
    expect(trace.stdout).toMatch(/\(gap\s+\d+ ms\)/);

    const unknown = await cli(['trace', 'no-such-order', '--nats-url', server.url, '--namespace', report.broker.namespace]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('no events for order no-such-order');
  }, 60_000);
});
