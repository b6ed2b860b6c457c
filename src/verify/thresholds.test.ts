import { describe, expect, it } from 'vitest';
import type { Report } from '../report/report.js';
import { evaluateThresholds, parseThreshold, showValue } from './thresholds.js';

const report = {
  orders: { total: 200, confirmed: 170, cancelled: 30, failed: 0, pending: 0 },
  latency: { ms: { p50: 2, p90: 5, p99: 40, p999: 60, p9999: 70, max: 80, mean: 3 }, uncorrectedMs: { p50: 1, p90: 4, p99: 30, p999: 50, p9999: 60, max: 70, mean: 2 } },
  events: { deadLetters: 0, duplicates: 3 },
  throughput: { sagasPerSecond: 1200 },
  compensations: { inventoryReleased: 25, paymentRefunded: 5 },
  load: { lateSends: 0, maxLagMs: 1, droppedSends: 12, maxInFlight: 100 },
} as unknown as Report;

const passes = (expression: string) => evaluateThresholds([parseThreshold(expression)], report)[0]?.passed;

describe('thresholds', () => {
  it.each([
    ['latency.p99 < 50ms', true],
    ['latency.p99 < 0.04s', false],
    ['latency.uncorrected.p99 <= 30', true],
    ['orders.confirmed.ratio >= 0.85', true],
    ['orders.confirmed.ratio >= 86%', false],
    ['orders.pending == 0', true],
    ['deadLetters == 0', true],
    ['duplicates != 0', true],
    ['throughput.sagasPerSecond > 1000', true],
    ['compensations.paymentRefunded < 5', false],
    ['load.lateSends == 0', true],
    ['load.droppedSends == 0', false],
  ])('%s → %s', (expression, expected) => expect(passes(expression)).toBe(expected));

  it.each([
    ['latency.p95 < 5ms', /unknown metric "latency\.p95"; known: orders\.total/],
    ['latency.p99 fast', /is not "<metric> <op> <number>\[unit\]"/],
    ['latency.p99 < 5%', /is a duration/],
    ['orders.confirmed.ratio > 5ms', /is a share/],
    ['orders.pending == 0ms', /takes a plain number/],
  ])('rejects %s', (expression, message) => expect(() => parseThreshold(expression)).toThrow(message));
});

describe('threshold values as printed', () => {
  it('carry their unit: milliseconds, shares as percentages, counts, sagas per second', () => {
    expect(showValue(110.527, 'ms')).toBe('110.5 ms');
    expect(showValue(0.9321, 'ratio')).toBe('93.2%');
    expect(showValue(12345, 'count')).toBe('12,345');
    expect(showValue(812.34, 'rate')).toBe('812.3 sagas/s');
  });
});
