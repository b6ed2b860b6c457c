import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, root } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'saga-sim-ci-'));
const smoke = readFileSync(join(root, 'scenarios/ci-smoke.yaml'), 'utf8');

/** Validates with xmllint against the common JUnit shape; throws with xmllint's message if invalid. */
function xmllint(file: string): void {
  execFileSync('xmllint', ['--noout', '--schema', join(root, 'test/fixtures/junit.xsd'), file], { stdio: 'pipe' });
}

describe('CI mode', () => {
  it('ci-smoke.yaml passes every expectation, threshold and invariant, with JUnit and Markdown', async () => {
    const junit = join(work, 'smoke.xml');
    const summary = join(work, 'smoke.md');
    const stepSummary = join(work, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const r = await cli(['run', 'scenarios/ci-smoke.yaml', '--junit', junit, '--summary', summary], { GITHUB_STEP_SUMMARY: stepSummary });
    expect(r.stderr).not.toContain('saga-sim:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/expectations (\d+) of \1 passed/);
    xmllint(junit);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('name="slow-decline events"');
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ✅ saga-sim: ci-smoke/);
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/^# earlier step\n## ✅ saga-sim: ci-smoke/);
  });

  it('one wrong expectation exits 1 and prints the diff for that order', async () => {
    const file = join(work, 'wrong.yaml');
    writeFileSync(file, smoke.replace('events: [order.created.v1, [payment.failed.v1, inventory.failed.v1], order.cancelled.v1]', 'events: [order.created.v1, payment.confirmed.v1, order.cancelled.v1]'));
    const junit = join(work, 'wrong.xml');
    const r = await cli(['run', file, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  both-fail events: step 2 (payment.confirmed.v1) did not occur in order');
    expect(r.stdout).toMatch(/\n {12}order\.created\.v1\n/);
    expect(r.stdout).toContain('- payment.confirmed.v1');
    expect(r.stdout).toContain('+ payment.failed.v1');
    expect(r.stdout.match(/FAIL {2}/g)).toHaveLength(1);
    expect(r.stdout).toContain('result       FAILED');
    xmllint(junit);
    expect(readFileSync(junit, 'utf8').match(/<failure /g)).toHaveLength(1);
  });

  it('a threshold that cannot hold exits 1 and shows as a JUnit failure', async () => {
    const junit = join(work, 'threshold.xml');
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--orders', '50', '--threshold', 'latency.p50 < 1us', '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}latency\.p50 < 1us {2}\(actual [\d.]+ ms\)/);
    xmllint(junit);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite [^>]*name="thresholds"[^>]*tests="1" failures="1"/);
    expect(xml).toMatch(/<testcase name="latency.p50 &lt; 1us"[^>]*>\s*<failure type="thresholds"/);
  });

  it('a threshold on an unknown metric is a usage error naming it', async () => {
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--threshold', 'latency.p95 < 5ms']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^saga-sim: --threshold: threshold "latency\.p95 < 5ms": unknown metric "latency\.p95"; known: /);
    const file = join(work, 'bad-threshold.yaml');
    writeFileSync(file, 'name: t\norders: { count: 1 }\nthresholds:\n  - orders.confirmd >= 1\n');
    const v = await cli(['validate', file]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(new RegExp(`^saga-sim: ${file}:4: thresholds\\.0: threshold "orders.confirmd >= 1": unknown metric "orders.confirmd"`));
  });

  it('validate checks files without running them; init writes a starter that validates', async () => {
    const starter = join(work, 'starter.yaml');
    const init = await cli(['init', starter]);
    expect(init.code).toBe(0);
    expect((await cli(['init', starter])).code).toBe(2);
    const bad = join(work, 'unknown-product.yaml');
    writeFileSync(bad, 'name: t\nscript:\n  - items: [{ product: nope }]\n');
    const r = await cli(['validate', starter, 'scenarios/ci-smoke.yaml', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`ok  ${starter}`);
    expect(r.stdout).toContain('ok  scenarios/ci-smoke.yaml');
    expect(r.stderr).toContain(`${bad}:3: script[0].items[0].product: unknown product "nope" (catalogue has p-001`);
    // run says the same before it connects to anything (this URL answers nothing).
    const run = await cli(['run', bad, '--nats-url', 'nats://127.0.0.1:1']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^saga-sim: ${bad}:3: script\\[0\\]\\.items\\[0\\]\\.product: unknown product "nope"`))]);
  });
});
