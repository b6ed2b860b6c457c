import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../../test/helpers/snapshots.js';
import type { SweepPoint } from '../../experiment/sweep.js';
import { reduceSweep, type SweepViewState } from './state.js';
import { SweepView } from './SweepView.js';

const point = (value: number, confirmed: number, flagged = false): SweepPoint => ({
  param: 'payment.successRate',
  value,
  orders: 100,
  confirmed,
  cancelled: 100 - confirmed,
  failed: 0,
  pending: 0,
  share: { confirmed: confirmed / 100, cancelled: 1 - confirmed / 100, failed: 0 },
  ci: [Math.max(0, confirmed / 100 - 0.08), Math.min(1, confirmed / 100 + 0.08)],
  expected: value,
  flagged,
  cancelledByReason: { payment_failed: 100 - confirmed, out_of_stock: 0, payment_and_stock: 0 },
  compensations: { inventoryReleased: 100 - confirmed, paymentRefunded: 0 },
  latencyMs: { confirmed: { p50: 1, p99: 2 }, cancelled: { p50: 1, p99: 2 } },
  sagasPerSecond: 300,
  invariantsPassed: true,
  seconds: 1,
});

describe('sweep view', () => {
  it('lists finished points, and shows the running point live', () => {
    let state: SweepViewState = { param: 'payment.successRate', values: [0, 0.5, 1], done: [] };
    state = reduceSweep(state, { type: 'point-start', index: 0, value: 0 });
    state = reduceSweep(state, { type: 'point-done', point: point(0, 0) });
    state = reduceSweep(state, { type: 'point-start', index: 1, value: 0.5 });
    state = reduceSweep(state, { type: 'snapshot', snapshot: snapshot({ sent: 42, planned: 100 }) });
    const frame = render(<SweepView state={state} />).lastFrame() ?? '';
    expect(frame).toContain('payment.successRate = 0        confirmed      0/100  0.000');
    expect(frame).toContain('1/3 points');
    expect(frame).toContain('running payment.successRate = 0.5');
    expect(frame).toContain('sent 42/100');
  });
});
