import { describe, expect, it } from 'vitest';
import { editDistance, missingScenarioHint, nearestNames } from './suggest.js';

describe('suggesting a scenario for a missing file', () => {
  it('measures edits between names', () => {
    expect(editDistance('mixed90', 'mixed-90')).toBe(1);
    expect(editDistance('happy', 'happy')).toBe(0);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });

  it('offers the names a typo away, nearest first, and nothing for an unrelated name', () => {
    const names = ['mixed-90.yaml', 'happy-path.yaml', 'stress-50.yaml', 'ci-smoke.yaml'];
    expect(nearestNames('mixed90.yaml', names)).toEqual(['mixed-90.yaml']);
    expect(nearestNames('happy-pth.yml', names)).toEqual(['happy-path.yaml']);
    expect(nearestNames('checkout-flow.yaml', names)).toEqual([]);
  });

  it('names the shipped scenario for a typo, and init otherwise', () => {
    expect(missingScenarioHint('scenarios/mixed90.yaml')).toBe('did you mean scenarios/mixed-90.yaml? (saga-sim init scenarios/mixed90.yaml writes a starter there)');
    expect(missingScenarioHint('nowhere/checkout-flow.yaml')).toMatch(/^run saga-sim init nowhere\/checkout-flow\.yaml to write a starter scenario, or pick one of scenarios\//);
  });
});
