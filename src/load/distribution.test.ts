import { describe, expect, it } from 'vitest';
import { parseDistribution, sample } from './distribution.js';
import { mulberry32 } from './random.js';

describe('latency distributions', () => {
  it('parses the scenario forms and refuses the rest', () => {
    expect(parseDistribution('20ms')).toEqual({ kind: 'constant', ms: 20 });
    expect(parseDistribution('normal(20ms, 5ms)')).toEqual({ kind: 'normal', mean: 20, sd: 5 });
    expect(parseDistribution('uniform(10ms,30ms)')).toEqual({ kind: 'uniform', min: 10, max: 30 });
    expect(parseDistribution('exponential(1s)')).toEqual({ kind: 'exponential', mean: 1000 });
    for (const bad of ['normal(20ms)', 'uniform(30ms, 10ms)', 'gauss(1ms, 2ms)', 'normal(x, 1ms)', '']) expect(parseDistribution(bad)).toBeUndefined();
  });

  it('draws with the stated mean and spread, never below zero', () => {
    const random = mulberry32(7);
    const draws = Array.from({ length: 20_000 }, () => sample({ kind: 'normal', mean: 20, sd: 5 }, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
    expect(mean).toBeCloseTo(20, 0);
    expect(sd).toBeGreaterThan(4.7);
    expect(sd).toBeLessThan(5.3);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    const exp = Array.from({ length: 20_000 }, () => sample({ kind: 'exponential', mean: 10 }, random));
    expect(exp.reduce((a, b) => a + b, 0) / exp.length).toBeCloseTo(10, 0);
    const uni = Array.from({ length: 1000 }, () => sample({ kind: 'uniform', min: 10, max: 30 }, random));
    expect(Math.min(...uni)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uni)).toBeLessThan(30);
  });
});
