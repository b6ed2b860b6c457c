import { describe, expect, it } from 'vitest';
import { DESIGN_NAMES, namespaceOfStream, NAMESPACE_PATTERN, newRunId, RunNames } from './names.js';

describe('run names', () => {
  it('keeps the design\'s names in the design namespace', () => {
    expect(DESIGN_NAMES.eventsStream).toBe('SAGA_SIM_EVENTS');
    expect(DESIGN_NAMES.deadLetterStream).toBe('SAGA_SIM_DEADLETTER');
    expect(DESIGN_NAMES.stateBucket('order')).toBe('saga-sim-state-order');
    expect(DESIGN_NAMES.durable('payment')).toBe('saga-sim-payment');
    expect(DESIGN_NAMES.durable('payment', 'order.created.v1')).toBe('saga-sim-payment--order_created_v1');
    expect(DESIGN_NAMES.deadLetterSubject('inventory')).toBe('saga-sim.deadletter.inventory');
    expect(DESIGN_NAMES.subject('order.created.v1')).toBe('order.created.v1');
  });

  it('puts the namespace in every stream, consumer, bucket and dead-letter subject, and the prefix before every event subject', () => {
    const names = new RunNames({ id: 'ci-42_a', subjectPrefix: 'team.ci' });
    expect(names.eventsStream).toBe('SAGA_SIM_EVENTS_ci-42_a');
    expect(names.deadLetterStream).toBe('SAGA_SIM_DEADLETTER_ci-42_a');
    expect(names.stateBucket('inventory')).toBe('saga-sim-state-ci-42_a-inventory');
    expect(names.durable('order')).toBe('saga-sim-ci-42_a-order');
    expect(names.deadLetterSubject('payment')).toBe('saga-sim.ci-42_a.deadletter.payment');
    expect(names.controlRoot).toBe('saga-sim.ci-42_a.control');
    expect(names.subject('payment.failed.v1')).toBe('team.ci.payment.failed.v1');
    expect(names.eventSubjects).toHaveLength(10);
    expect(names.eventSubjects.every((s) => s.startsWith('team.ci.'))).toBe(true);
    expect(names.typeOf('team.ci.payment.failed.v1')).toBe('payment.failed.v1');
    expect(names.maxDeliveriesAdvisory).toBe('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.SAGA_SIM_EVENTS_ci-42_a.*');
  });

  it('reads back the service of a consumer and the namespace of each stream it made', () => {
    for (const id of ['', 'abc', 'with-dashes-order', 'x_1']) {
      const names = new RunNames({ id, subjectPrefix: '' });
      expect(names.serviceOfConsumer(names.durable('payment', 'order.created.v1'))).toBe('payment');
      expect(names.serviceOfConsumer(names.durable('inventory'))).toBe('inventory');
      for (const stream of [names.eventsStream, names.deadLetterStream, `KV_${names.stateBucket('order')}`, `KV_${names.stateBucket('inventory')}`]) expect([stream, namespaceOfStream(stream)]).toEqual([stream, id]);
    }
    expect(namespaceOfStream('ORDERS')).toBeUndefined();
    expect(namespaceOfStream('KV_other-bucket')).toBeUndefined();
  });

  it('makes fresh run ids that are valid namespaces and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRunId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(NAMESPACE_PATTERN);
  });

  it('takes a prefix with or without its trailing dot', () => {
    expect(new RunNames({ id: '', subjectPrefix: 'a.b.' }).subject('order.created.v1')).toBe('a.b.order.created.v1');
  });
});
