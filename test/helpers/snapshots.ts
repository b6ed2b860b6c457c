import type { RunSnapshot } from '../../src/engine/events.js';
import type { LatencySummary } from '../../src/metrics/histogram.js';

const ladder = (p50: number, count = 100): LatencySummary => ({ count, p50, p90: p50 * 2, p99: p50 * 4, p999: p50 * 5, p9999: p50 * 6, max: p50 * 8, mean: p50 * 1.2 });

/** A plausible mid-run snapshot; override what a test is about. */
export function snapshot(overrides: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    phase: 'loading',
    elapsedMs: 4200,
    planned: 1000,
    sent: 420,
    targetRate: 100,
    sendRate: 99,
    currentRate: 97,
    paused: false,
    lateSends: 0,
    maxLagMs: 0.4,
    droppedSends: 0,
    inFlight: 20,
    confirmed: 360,
    cancelled: 40,
    failed: 0,
    cancelledByReason: { payment_failed: 30, out_of_stock: 8, payment_and_stock: 2 },
    compensations: { inventoryReleased: 30, paymentRefunded: 8 },
    deadLetters: 0,
    duplicates: 0,
    latency: {
      corrected: ladder(2.5),
      uncorrected: ladder(2.1),
      confirmed: ladder(2.4),
      cancelled: ladder(3.1),
      steps: { payment: ladder(0.8), inventory: ladder(0.7), compensation: ladder(0.9) },
      buckets: {
        corrected: [
          { upToMs: 1, count: 20 },
          { upToMs: 2, count: 150 },
          { upToMs: 5, count: 200 },
          { upToMs: 10, count: 30 },
        ],
        uncorrected: [
          { upToMs: 1, count: 40 },
          { upToMs: 2, count: 200 },
          { upToMs: 5, count: 150 },
          { upToMs: 10, count: 10 },
        ],
      },
    },
    recent: [{ at: Date.UTC(2026, 0, 1, 12, 0, 0, 123), orderId: 'ord-000420', type: 'payment.failed.v1' }],
    services: [
      { name: 'order', status: 'running', handled: 800, deadLetters: 0, restarts: 0 },
      { name: 'payment', status: 'running', handled: 420, deadLetters: 0, restarts: 1 },
      { name: 'inventory', status: 'crashed', handled: 410, deadLetters: 0, restarts: 0 },
    ],
    connection: 'connected',
    ...overrides,
  };
}
