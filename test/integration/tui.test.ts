import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, root } from '../helpers/cli.js';
import { waitFor } from '../helpers/nats.js';

// eslint-disable-next-line no-control-regex -- the point is to find terminal escapes
const ESCAPE = /\u001b\[/;

describe('saga-sim run in a terminal', () => {
  it('shows the live dashboard in a pseudo-terminal; q ends the run with the summary and exit 0', async () => {
    // util-linux `script` gives the CLI a real pty; -e passes the CLI's exit code through.
    const command = 'stty cols 120 rows 45; exec node bin/saga-sim run scenarios/happy-path.yaml --orders 100000 --rate 200';
    // A user's terminal: no CI variable (under CI, saga-sim prints plain lines instead).
    const { CI: _ci, ...env } = process.env;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, TERM: 'xterm-256color' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    await waitFor('the dashboard to show outcomes', () => out.includes('Outcomes') && out.includes('CONFIRMED'), 30_000);
    expect(out).toContain('Latency');
    expect(out).toContain('q stop · p pause');
    child.stdin.write('q');
    const code = await exited;
    expect(code).toBe(0);
    expect(out).toContain('stopped early');
    // eslint-disable-next-line no-control-regex -- colour codes may sit between the label and the verdict
    expect(out).toMatch(/result\s+(\u001b\[[\d;]*m)*PASSED/);
    // Ink put the cursor back: the last thing written shows it again (ESC[?25h).
    expect(out.lastIndexOf('\u001b[?25h')).toBeGreaterThan(out.lastIndexOf('\u001b[?25l'));
  });

  it('prints plain lines under CI even on a terminal', async () => {
    const command = 'stty cols 120 rows 45; exec node bin/saga-sim run scenarios/happy-path.yaml --orders 50';
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    expect(code).toBe(0);
    expect(out).not.toContain('Outcomes');
    expect(out).toMatch(/started nats-server/);
    expect(out).toContain('PASSED');
  });

  it('writes no escape codes when stdout is not a terminal', async () => {
    const r = await cli(['run', 'scenarios/happy-path.yaml', '--orders', '30']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(ESCAPE);
    expect(r.stderr).toMatch(/^\[\s+[\d.]+s\] /m);
  });
});
