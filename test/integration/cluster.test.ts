import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { connectBroker } from '../../src/broker/connection.js';
import { RunNames } from '../../src/broker/names.js';
import { RunEngine } from '../../src/engine/run.js';
import { renderSummary } from '../../src/report/summary-text.js';
import { expectInvariantsPass, scenario } from '../helpers/nats.js';

// A local three-node cluster (routes on loopback, JetStream clustered): streams and buckets in three
// copies, and a node killed mid-run loses no saga.
describe('--embedded-cluster', () => {
  it('runs on three nodes with every stream and bucket in three copies, and says so', async () => {
    const engine = new RunEngine({ scenario: scenario('name: r3\nseed: 2\norders: { count: 600, rate: 300 }\npayment: { successRate: 0.8 }\n'), cluster: 3 });
    let url = '';
    let namespace = '';
    engine.subscribe((e) => {
      if (e.type === 'broker') [url, namespace] = [e.broker.url, e.broker.namespace];
    });
    const replicas = new Map<string, number>();
    let checked: Promise<void> | undefined;
    engine.subscribe((e) => {
      if (e.type !== 'phase' || e.phase !== 'loading' || checked) return;
      // While it runs, straight from the cluster: each of the run's streams and its copies.
      checked = (async () => {
        const nc = await connectBroker(url, 'cluster-check');
        const names = new RunNames({ id: namespace, subjectPrefix: '' });
        const jsm = await jetstreamManager(nc);
        for (const stream of [names.eventsStream, names.deadLetterStream, `KV_${names.stateBucket('order')}`]) replicas.set(stream, (await jsm.streams.info(stream)).config.num_replicas);
        await nc.close();
      })();
    });
    const report = await engine.run();
    await checked;
    expect(report.broker.nodes).toBe(3);
    expect(report.broker.replicas).toBe(3);
    expect(report.broker.url.split(',')).toHaveLength(3);
    expect([...replicas.values()]).toEqual([3, 3, 3]);
    expect(report.orders.total).toBe(600);
    expectInvariantsPass(report);
  }, 120_000);

  it('kill -9 of one node mid-run (R3) loses no saga', async () => {
    const report = await new RunEngine({
      scenario: scenario('name: r3-kill\nseed: 3\norders: { count: 1500, rate: 300 }\npayment: { successRate: 0.9 }\ndrainTimeout: 90s\nfaults:\n  - { broker: kill, at: 2s, restartAfter: 2s }\n'),
      cluster: 3,
    }).run();
    expect(report.faults).toEqual([expect.objectContaining({ kind: 'broker-kill', node: 1, nodes: 3 })]);
    expect(renderSummary(report)).toMatch(/^faults {7}node 1 of 3 killed at \d+ ms, down \d+ ms$/m);
    expect(report.orders.total).toBe(1500);
    expect(report.orders.confirmed + report.orders.cancelled).toBe(1500);
    expect(report.orders.failed).toBe(0);
    expect(report.events.byType['order.created.v1']).toBe(1500);
    expectInvariantsPass(report);
  }, 180_000);
});
