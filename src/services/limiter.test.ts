import { describe, expect, it } from 'vitest';
import { limiter, withSlot } from './limiter.js';

/** A task that runs until its `finish` is called. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish };
}

describe('limiter', () => {
  it('lets at most max through at once; a released slot goes to the next in line', async () => {
    const slots = limiter(2);
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map(() => pending());
    const runs = tasks.map((t, i) => withSlot(slots, async () => (started.push(i), t.done)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(slots.load).toBe(4);
    tasks[0]?.finish();
    await runs[0];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const t of tasks) t.finish();
    await Promise.all(runs);
    expect(slots.load).toBe(0);
  });

  it('urgent waiters go before deferred ones, each in arrival order', async () => {
    const slots = limiter(1);
    const order: string[] = [];
    const first = pending();
    const running = withSlot(slots, () => first.done);
    const waiters = [
      withSlot(slots, async () => void order.push('new 1'), true),
      withSlot(slots, async () => void order.push('reply 1')),
      withSlot(slots, async () => void order.push('new 2'), true),
      withSlot(slots, async () => void order.push('reply 2')),
    ];
    first.finish();
    await Promise.all([running, ...waiters]);
    expect(order).toEqual(['reply 1', 'reply 2', 'new 1', 'new 2']);
  });

  it('a task that fails still gives its slot back', async () => {
    const slots = limiter(1);
    await expect(withSlot(slots, () => Promise.reject(new Error('no reply')))).rejects.toThrow('no reply');
    expect(slots.load).toBe(0);
    await expect(withSlot(slots, async () => 'next')).resolves.toBe('next');
  });
});
