import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/nats.js';

// One Ctrl-C behaviour for every command (cli/interrupts.ts): the first stops the load and drains,
// no further point or step starts, the results so far are printed, and the exit code is 130.
describe('Ctrl-C on commands that run several engines', () => {
  it('sweep: the running point drains and is reported, no next point starts, exit 130', async () => {
    const { child, stderr, done } = startCli(['sweep', 'scenarios/mixed-90.yaml', '--param', 'payment.successRate', '--values', '0.5,0.9,1', '--orders', '1000000', '--rate', '300']);
    await waitFor('the first point to place orders', () => /point 1\/3[\s\S]*sent [1-9]/.test(stderr()), 30_000);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping the load and draining sagas in flight');
    expect(r.stderr).not.toContain('point 2/3');
    expect(r.stdout).toContain('1 points · 0 broke an invariant');
    expect(r.stdout).toContain('interrupted after 1 of 3');
  }, 90_000);

  it('bench --find-max: the running step drains, no next step starts, the curve so far is printed, exit 130', async () => {
    const { child, stderr, done } = startCli(['bench', 'scenarios/happy-path.yaml', '--find-max', '--rate', '200', '--duration', '10m', '--warmup', '1s']);
    await waitFor('the first step to start', () => /trying 200\/s/.test(stderr()), 30_000);
    await waitFor('its first orders', () => /sent [1-9]/.test(stderr()), 30_000);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).not.toContain('trying 300/s');
    expect(r.stdout).toContain('find-max: ');
    expect(r.stdout).toMatch(/\b200\b/);
  }, 90_000);

  it('run: SIGTERM (what CI runners send) drains and reports like Ctrl-C, exit 130; a second one aborts', async () => {
    const first = startCli(['run', 'scenarios/mixed-90.yaml', '--orders', '1000000', '--rate', '200']);
    await waitFor('orders placed', () => /sent [1-9]/.test(first.stderr()), 30_000);
    first.child.kill('SIGTERM');
    const r = await first.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping the load and draining sagas in flight');
    expect(r.stdout).toMatch(/^orders +\d+ total/m);
    expect(r.stdout).toContain('interrupted');

    const second = startCli(['run', 'scenarios/timeouts.yaml', '--orders', '1000000', '--rate', '200']);
    await waitFor('orders placed', () => /sent [1-9]/.test(second.stderr()), 30_000);
    second.child.kill('SIGTERM');
    await waitFor('the first SIGTERM taken', () => /stopping the load/.test(second.stderr()), 30_000);
    second.child.kill('SIGTERM');
    const aborted = await second.done;
    expect(aborted.code).toBe(130);
    expect(aborted.stderr.trim().split('\n').at(-1)).toBe('saga-sim: interrupted');
  }, 90_000);
});
