import { describe, expect, it } from 'vitest';
// The published entry point, resolved through package.json "exports" like a user's import.
import { runScenario, ScenarioError, type Report } from 'saga-sim';

describe("import { runScenario } from 'saga-sim'", () => {
  it('runs a scenario file and resolves with the same report the CLI writes', async () => {
    const report: Report = await runScenario('scenarios/ci-smoke.yaml', { overrides: { 'orders.count': 20 } });
    expect(report.schemaVersion).toBe(1);
    expect(report.orders.total).toBe(26);
    expect(report.expectations.length).toBeGreaterThan(0);
    expect(report.passed).toBe(true);
    // Double acks (the default): the server confirmed every ack, so every service's ack was applied.
    expect(report.services.payment.handled).toBeGreaterThan(0);
    for (const service of Object.values(report.services)) expect(service.ackFailures).toBe(0);
  });

  it('rejects a malformed scenario with a typed error', async () => {
    await expect(runScenario('scenarios/ci-smoke.yaml', { overrides: { 'payment.successRate': 3 } })).rejects.toBeInstanceOf(ScenarioError);
  });
});
