import { describe, expect, it } from 'vitest';
import { applyHeapProfile, workerYoungGenerationMb } from './heap.js';

describe('heap profiles', () => {
  it('lean sets the growth flag while any lean run is under way, and puts it back after the last', () => {
    const flags: string[] = [];
    const set = (f: string) => flags.push(f);
    const restoreFast = applyHeapProfile('fast', set);
    const first = applyHeapProfile('lean', set);
    const second = applyHeapProfile('lean', set);
    expect(flags).toEqual(['--heap-growing-percent=20']);
    first();
    first();
    restoreFast();
    expect(flags).toEqual(['--heap-growing-percent=20']);
    second();
    expect(flags).toEqual(['--heap-growing-percent=20', '--heap-growing-percent=0']);
  });

  it('lean workers get a smaller young generation than fast ones', () => {
    expect(workerYoungGenerationMb('lean')).toBeLessThan(workerYoungGenerationMb('fast'));
  });
});
