/**
 * Attempts per broker write, with doubling waits capped at RETRY_MAX_MS: about 10 s in all, enough
 * to ride out a broker restart. Callers retry only writes that are safe to repeat (a Nats-Msg-Id,
 * or a revision-checked KV update).
 */
export const BROKER_WRITE_ATTEMPTS = 8;
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2000;

export interface RetryHooks {
  /** Called before each wait; `attempt` is the one that failed. */
  onRetry?(attempt: number, error: unknown): void;
  /** A failure that must not be retried (e.g. a revision conflict). */
  isFinal?(error: unknown): boolean;
}

export async function withRetries<T>(write: () => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= BROKER_WRITE_ATTEMPTS || hooks.isFinal?.(error)) throw error;
      hooks.onRetry?.(attempt, error);
      await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1))));
    }
  }
}
