import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../errors.js';
import { parseDuration } from './duration.js';
import { loadScenarioFile, parseScenario } from './load.js';
import { STARTER_SCENARIO } from './starter.js';

const minimal = 'name: t\norders:\n  count: 10\n';

function errorOf(text: string): ScenarioError {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario loading', () => {
  it('fills defaults and freezes the result', () => {
    const s = parseScenario(minimal, 'ok.yaml');
    expect(s).toMatchObject({ name: 't', seed: 1, topology: 'parallel', orders: { count: 10, rate: 200 }, payment: { successRate: 0.9 }, drainTimeout: 30_000 });
    expect(Object.isFrozen(s.orders)).toBe(true);
  });

  it('names file, line and key for a wrong type', () => {
    const e = errorOf('name: t\norders:\n  count: 10\n  rate: fast\n');
    expect(e.message).toMatch(/^bad\.yaml:4: orders\.rate: /);
    expect(e.message).toContain('expected number');
    expect(e).toMatchObject({ line: 4, key: 'orders.rate', exitCode: 2 });
  });

  it('names a latency distribution it cannot read, and the forms it can', () => {
    const e = errorOf('name: t\norders:\n  count: 10\nfaults:\n  - latency:\n      service: payment\n      distribution: gauss(1ms)\n');
    expect(e.message).toMatch(/^bad\.yaml:7: faults\.0\.latency\.distribution: cannot read "gauss\(1ms\)": use a duration/);
    expect(e.message).toContain('normal(20ms, 5ms)');
  });

  it('names an unknown key and where it is', () => {
    const e = errorOf('name: t\norders:\n  count: 10\npaymnet:\n  successRate: 1\n');
    expect(e.message).toMatch(/^bad\.yaml:4: paymnet: unknown key/);
  });

  it('reports a missing required key at its parent', () => {
    expect(errorOf('orders:\n  count: 3\n').message).toMatch(/^bad\.yaml:1: name: /);
    expect(errorOf('name: t\norders:\n  rate: 5\n').message).toMatch(/^bad\.yaml:\d: orders: set orders\.count/);
  });

  it('rejects a success rate outside 0..1 and a bad duration', () => {
    expect(errorOf(`${minimal}payment:\n  successRate: 1.5\n`).message).toMatch(/:5: payment\.successRate: /);
    expect(errorOf(`${minimal}drainTimeout: soon\n`).message).toMatch(/:4: drainTimeout: expected a duration/);
  });

  it('orders.maxInFlight caps the open loop; a closed loop is told to use its concurrency', () => {
    expect(parseScenario(`${minimal}  maxInFlight: 50\n`, 'ok.yaml').orders.maxInFlight).toBe(50);
    expect(errorOf(`${minimal}  maxInFlight: 0\n`).message).toMatch(/:4: orders\.maxInFlight: /);
    expect(errorOf(`${minimal}  maxInFlight: 5\nload: { model: closed, concurrency: 4 }\n`).message).toMatch(
      /orders\.maxInFlight: applies to the open-loop models; a closed loop caps sagas in flight with load\.concurrency/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf('name: t\norders: [\n').message).toMatch(/^bad\.yaml:\d+: YAML syntax error/);
  });

  it('applies overrides before validating, and names them when they are bad', () => {
    expect(parseScenario(minimal, 'ok.yaml', { 'payment.successRate': 0.25 }).payment.successRate).toBe(0.25);
    expect(() => parseScenario(minimal, 'ok.yaml', { 'orders.rate': -1 })).toThrow(/ok\.yaml \(override orders\.rate\)/);
  });

  it('says so when the file does not exist', async () => {
    await expect(loadScenarioFile('nope.yaml')).rejects.toThrow(/nope\.yaml: file not found/);
  });

  it('the starter scenario written by init is valid', () => {
    expect(parseScenario(STARTER_SCENARIO, 'starter.yaml').script).toHaveLength(2);
  });

  it('every shipped scenario is valid', async () => {
    const dir = join(import.meta.dirname, '../../scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) await expect(loadScenarioFile(join(dir, f))).resolves.toMatchObject({ name: expect.any(String) });
  });
});

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    [3, 3000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('rejects nonsense', () => {
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
  });
});
