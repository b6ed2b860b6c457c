import { describe, expect, it } from 'vitest';
import { brokerUsage, type BrokerSample } from './server-usage.js';

const sample = (over: Partial<BrokerSample>): BrokerSample => ({
  at: 0,
  pid: undefined,
  cpuSeconds: undefined,
  runQueueMs: undefined,
  runs: undefined,
  inMsgs: 0,
  outMsgs: 0,
  inBytes: 0,
  outBytes: 0,
  ...over,
});

describe('brokerUsage', () => {
  it('divides what crossed the server by the orders placed, and its CPU by the wall time', () => {
    const from = sample({ at: 1_000, cpuSeconds: 10, runQueueMs: 2_000, runs: 10_000, inMsgs: 500, outMsgs: 700, inBytes: 1e5, outBytes: 2e5 });
    const to = sample({ at: 11_000, cpuSeconds: 15.5, runQueueMs: 5_500, runs: 14_980, inMsgs: 500 + 8_190, outMsgs: 700 + 12_020, inBytes: 1e5 + 1_355_000, outBytes: 2e5 + 2_929_000 });
    expect(brokerUsage(from, to, 1_000)).toEqual({
      cpuSeconds: 5.5,
      cores: 0.55,
      waitingCores: 0.35,
      runsPerSaga: 4.98,
      maxRssMb: null,
      inMsgsPerSaga: 8.19,
      outMsgsPerSaga: 12.02,
      inBytesPerSaga: 1355,
      outBytesPerSaga: 2929,
    });
  });

  it('after a restart (a broker fault) counts the new process from zero and does not report CPU', () => {
    const from = sample({ pid: 100, cpuSeconds: 10, inMsgs: 5_000, outMsgs: 7_000 });
    const to = sample({ at: 5_000, pid: 200, cpuSeconds: 1, inMsgs: 900, outMsgs: 1_300 });
    const usage = brokerUsage(from, to, 100);
    expect(usage.cpuSeconds).toBeNull();
    expect(usage.cores).toBeNull();
    expect(usage.waitingCores).toBeNull();
    expect(usage.runsPerSaga).toBeNull();
    expect(usage.inMsgsPerSaga).toBe(9);
    expect(usage.outMsgsPerSaga).toBe(13);
  });

  it('reports nothing per saga when no order was placed', () => {
    expect(brokerUsage(sample({}), sample({ inMsgs: 10 }), 0).inMsgsPerSaga).toBe(0);
  });
});
