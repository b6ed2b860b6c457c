import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/engine/run.js';
import type { Report } from '../../src/report/report.js';
import { SERVICE_NAMES } from '../../src/services/service.js';
import { expectInvariantsPass, scenario } from '../helpers/nats.js';

const sum = (r: Report, key: keyof Report['services']['order']) => SERVICE_NAMES.reduce((n, s) => n + r.services[s][key], 0);
/** Sagas are judged and dropped as soon as they settle (no grace), the hardest case for late copies. */
const run = (yaml: string) => new RunEngine({ scenario: scenario(yaml), settleGraceMs: 0 }).run();

describe('settling sagas during the run (flat memory)', () => {
  it('judges most sagas while the run goes on, and copies arriving after that are still duplicates, not new events', async () => {
    const r = await run(
      'name: settle-dup\nseed: 13\norders: { count: 2000, rate: 500 }\ncatalogue: { products: 8, stock: 600 }\npayment: { successRate: 0.7 }\nfaults:\n  - duplicate: 0.5\n',
    );
    expect(r.settlement.graceMs).toBe(0);
    // Some during the run; how many depends on how fast the machine drains the last second's sagas.
    expect(r.settlement.settled).toBeGreaterThan(0);
    expect(r.settlement.settled).toBeLessThanOrEqual(2000);
    // Every copy was recognised, including those that reached the observer after their saga was dropped.
    expect(r.events.duplicates).toBe(sum(r, 'duplicatesSent'));
    expect(r.orders.cancelled).toBeGreaterThan(0);
    expectInvariantsPass(r);
  });

  it('a violation in a settled batch is still reported: a payment worker without its ledger after a crash (memory state)', async () => {
    const r = await run(
      'name: settle-crash\nseed: 7\nstate: memory\norders: { count: 3000, rate: 500 }\npayment: { successRate: 0.9 }\nfaults:\n  - { crash: payment, at: 2s, restartAfter: 1s }\n',
    );
    expect(r.settlement.settled).toBeGreaterThan(0);
    // The new worker lost its predecessor's ledger; the sagas it charged again show as double charges,
    // or as missing charges for sagas settled by the old one and judged by the new one.
    const broken = r.invariants.filter((i) => !i.passed).map((i) => i.name);
    expect(broken).toContain('a CONFIRMED order has exactly one charge and one reservation');
    expect(r.passed).toBe(false);
  });

  it('settle requests in flight survive a worker crash (KV state): nothing is judged twice or lost', async () => {
    const r = await run(
      'name: settle-kv-crash\nseed: 7\norders: { count: 3000, rate: 500 }\npayment: { successRate: 0.9 }\nfaults:\n  - { crash: payment, at: 2s, restartAfter: 1s }\n',
    );
    expect(r.settlement.settled).toBeGreaterThan(0);
    expect(r.services.payment.stateConflicts).toBe(0);
    // Each saga is checked once: the "N checked" counts add up to the orders placed.
    expect(r.invariants[0]?.details).toBe('3000 checked');
    expectInvariantsPass(r);
  });
});
