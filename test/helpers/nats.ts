import { startEmbeddedServer, type EmbeddedServer } from '../../src/broker/embedded-server.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import type { Report } from '../../src/report/report.js';
import { expect } from 'vitest';

/** A real nats-server on free ports with a temporary store; stop() kills it and deletes the store. */
export function startNats(): Promise<EmbeddedServer> {
  return startEmbeddedServer();
}

/** A scenario from inline YAML, validated like a file. */
export function scenario(yaml: string): Scenario {
  return parseScenario(yaml, 'inline.yaml');
}

/** Waits until `done()` holds, checking every 10 ms, or fails after timeoutMs naming what it waited for. */
export async function waitFor(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every invariant checked and passed, nothing pending, the run passed. */
export function expectInvariantsPass(report: Report): void {
  expect(report.invariants.filter((i) => !i.passed)).toEqual([]);
  expect(report.invariants).toHaveLength(6);
  expect(report.orders.pending).toBe(0);
  expect(report.passed).toBe(true);
}
