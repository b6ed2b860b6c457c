import { describe, expect, it } from 'vitest';
import { snapshot } from '../../test/helpers/snapshots.js';
import { bar, ms, sparkline } from './format.js';
import { HISTORY_LIMIT, initialState, reduce, type DashboardState } from './state.js';

const feed = (state: DashboardState, ...rates: number[]) =>
  rates.reduce((s, currentRate) => reduce(s, { type: 'engine', event: { type: 'snapshot', snapshot: snapshot({ currentRate }) } }), state);

describe('dashboard state', () => {
  it('keeps the throughput history, bounded, and its peak', () => {
    const state = feed(initialState, 10, 50, 30);
    expect(state.throughput).toEqual([10, 50, 30]);
    expect(state.peakRate).toBe(50);
    expect(feed(initialState, ...Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => i)).throughput).toHaveLength(HISTORY_LIMIT);
  });

  it('appends new events to the tail and follows the phase', () => {
    const state = feed(initialState, 1, 2);
    expect(state.tail).toHaveLength(2);
    expect(state.phase).toBe('loading');
    expect(reduce(state, { type: 'engine', event: { type: 'phase', phase: 'draining' } }).phase).toBe('draining');
  });

  it('toggles the tail and help, and records a stop request', () => {
    expect(reduce(initialState, { type: 'toggle-tail' }).showTail).toBe(false);
    expect(reduce(initialState, { type: 'toggle-help' }).showHelp).toBe(true);
    expect(reduce(initialState, { type: 'stopping' }).stopping).toBe(true);
  });
});

describe('drawing helpers', () => {
  it('draws bars and sparklines to width', () => {
    expect(bar(0.5, 10)).toBe('█████░░░░░');
    expect(bar(2, 4)).toBe('████');
    expect(sparkline([0, 5, 10], 3)).toBe('▁▄█');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
  });

  it('formats durations in their natural unit', () => {
    expect(ms(0.42)).toBe('420µs');
    expect(ms(2.5)).toBe('2.50ms');
    expect(ms(123.4)).toBe('123.4ms');
    expect(ms(1534)).toBe('1.53s');
    expect(ms(0)).toBe('—');
  });
});
