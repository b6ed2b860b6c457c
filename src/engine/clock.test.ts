import { describe, expect, it } from 'vitest';
import { condition } from './clock.js';

describe('condition', () => {
  it('resolves true once done holds and it is poked, false at its timeout', async () => {
    let done = false;
    const c = condition(() => done);
    const waiting = c.wait(10_000);
    done = true;
    c.poke();
    expect(await waiting).toBe(true);
    expect(await condition(() => false).wait(1)).toBe(false);
  });

  it('ends at once for a signal aborted before the wait began (its event would never fire)', async () => {
    const abort = new AbortController();
    abort.abort();
    const started = Date.now();
    expect(await condition(() => false).wait(60_000, abort.signal)).toBe(false);
    // Not a speed figure: a wait that missed the abort would run its full minute.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('ends when the signal aborts during the wait', async () => {
    const abort = new AbortController();
    const waiting = condition(() => false).wait(60_000, abort.signal);
    abort.abort();
    expect(await waiting).toBe(false);
  });
});
