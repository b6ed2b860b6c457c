import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { parseSchedstat, readProcessCpu, readThreadCpu } from './thread-cpu.js';

describe('thread CPU from schedstat', () => {
  it('reads ns on a core and ns waiting for one', () => {
    expect(parseSchedstat('1500000000 250000000 4242\n')).toEqual({ cpuMs: 1500, waitMs: 250 });
    expect(parseSchedstat('garbage')).toBeNull();
  });

  it.skipIf(process.platform !== 'linux')("counts the calling thread's own time: a busy worker's, not the main thread's", async () => {
    const before = readThreadCpu();
    // The worker spins 200 ms and reports its own schedstat; the main thread waits, idle.
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const until = Date.now() + 200; while (Date.now() < until) {}
      parentPort.postMessage(readFileSync('/proc/thread-self/schedstat', 'utf8'));`;
    const text = await new Promise<string>((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (m: string) => resolve(m));
      w.once('error', reject);
    });
    const worker = parseSchedstat(text);
    const after = readThreadCpu();
    expect(worker?.cpuMs).toBeGreaterThan(150);
    expect((after?.cpuMs ?? 0) - (before?.cpuMs ?? 0)).toBeLessThan(100);
    expect(readProcessCpu(process.pid)?.cpuMs).toBeGreaterThan(worker?.cpuMs ?? 0);
  });
});
