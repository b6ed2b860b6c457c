import { afterEach, describe, expect, it } from 'vitest';
import { now } from './clock.js';
import { preciseTimer, type WakeTimer } from './precise-timer.js';

/** Resolves with the clock when the timer calls back. */
const wake = (timer: WakeTimer, at: number) => new Promise<number>((resolve) => timer.at(at, () => resolve(now())));

describe('preciseTimer', () => {
  let timer: WakeTimer | undefined;
  afterEach(async () => {
    await timer?.close();
    timer = undefined;
  });

  it('calls back at the due time, not before it', async () => {
    timer = preciseTimer();
    for (let i = 0; i < 20; i++) {
      const due = now() + 2.5;
      // The thread fires within 0.02 ms of the due time, to save a futex wait that short.
      expect(await wake(timer, due)).toBeGreaterThanOrEqual(due - 0.02);
    }
  });

  it('calls back at once for a time already past', async () => {
    timer = preciseTimer();
    const before = now();
    expect(await wake(timer, before - 1000)).toBeGreaterThanOrEqual(before);
  });

  it('a new time replaces the pending one, whether later or earlier', async () => {
    timer = preciseTimer();
    const called: string[] = [];
    timer.at(now() + 5, () => called.push('earlier, replaced'));
    await wake(timer, now() + 30);
    timer.at(now() + 30, () => called.push('later, replaced'));
    await wake(timer, now() + 1);
    // Had it not been replaced, the later one would come before this.
    await wake(timer, now() + 60);
    expect(called).toEqual([]);
  });

  it('a cancelled wake-up never comes', async () => {
    timer = preciseTimer();
    const called: string[] = [];
    timer.at(now() + 5, () => called.push('cancelled'));
    timer.cancel();
    // A coarse timer well after the cancelled time bounds the wait.
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(called).toEqual([]);
    // and the timer still works afterwards
    const due = now() + 2;
    expect(await wake(timer, due)).toBeGreaterThanOrEqual(due - 0.02);
  });

  it('refuses use after close, and closing twice is harmless', async () => {
    const closing = preciseTimer();
    await closing.close();
    await closing.close();
    expect(() => closing.at(now(), () => undefined)).toThrow(/after close/);
  });
});
