import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { parseSchedstat, readProcessCpu, readThreadCpu } from './thread-cpu.js';

describe('thread CPU from schedstat', () => {
  it('reads ns on a core and ns waiting for one', () => {
    expect(parseSchedstat('1500000000 250000000 4242\n')).toEqual({ cpuMs: 1500, waitMs: 250, runs: 4242 });
    expect(parseSchedstat('garbage')).toBeNull();
  });

  it.skipIf(process.platform !== 'linux')("counts the calling thread's own time: a busy worker's, not the main thread's", async () => {
    const before = readThreadCpu();
    // The worker spins until its own schedstat shows 150 ms on a core (however long a busy machine
    // takes to give it that); the test's thread waits, idle.
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const cpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
      const from = cpuMs(), deadline = Date.now() + 10000;
      while (cpuMs() - from < 150 && Date.now() < deadline) for (let i = 0; i < 1e5; i++);
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
