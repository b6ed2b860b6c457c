import { describe, expect, it } from 'vitest';
import { sagasPerSecond } from './throughput.js';

describe('sagas per second', () => {
  it('without a warm-up: every saga that ended, from the first intended send to the last end', () => {
    expect(sagasPerSecond({ loadStart: 1000, finished: 600, lastTerminalAt: 4000, warmupMs: 0, measured: { finished: 0, lastAt: 0 } })).toBe(200);
  });

  it('after a warm-up: only the measured sagas, over the measured span, not the whole run', () => {
    // 2 s ramp (300 orders) then 1 s at 300/s, the last saga ending 1.2 s after the warm-up.
    const rate = sagasPerSecond({ loadStart: 0, finished: 600, lastTerminalAt: 3200, warmupMs: 2000, measured: { finished: 300, lastAt: 3200 } });
    expect(rate).toBe(250);
  });

  it('never divides by zero when nothing ended', () => {
    expect(sagasPerSecond({ loadStart: 5000, finished: 0, lastTerminalAt: 0, warmupMs: 0, measured: { finished: 0, lastAt: 0 } })).toBe(0);
  });

  it('leaves out the time the load was paused (p in the dashboard)', () => {
    // 1,000 sagas over 11 s, 10 of which were a pause: 1,000/s, not 91/s.
    expect(sagasPerSecond({ loadStart: 0, finished: 1000, lastTerminalAt: 11_000, warmupMs: 0, measured: { finished: 0, lastAt: 0 }, pausedMs: 10_000 })).toBe(1000);
  });
});
