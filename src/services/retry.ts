/**
 * Attempts per broker write, with doubling waits capped at RETRY_MAX_MS: about 10 s in all, enough
 * to ride out a broker restart. Callers retry only writes that are safe to repeat (a Nats-Msg-Id,
 * or a revision-checked KV update).
 */
export const BROKER_WRITE_ATTEMPTS = 8;
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2000;
/**
 * On a cluster, how long a write keeps retrying past those attempts. A node killed under load can
 * take longer than 10 s to hand its stream and bucket leaderships over (seen in CI: a KV write met
 * "no responders" for its whole 10 s), and a write that gives up crashes its service.
 */
export const CLUSTER_RETRY_BUDGET_MS = 45_000;
let budgetMs = 0;

/** A process-wide policy (each worker thread has its own): keep retrying until `ms` have passed since the first attempt. */
export function setRetryBudget(ms: number): void {
  budgetMs = ms;
}

/** Several servers to connect to: a cluster, whose failovers take longer than a single server's restart. */
export function retryBudgetFor(natsUrl: string): number {
  return natsUrl.includes(',') ? CLUSTER_RETRY_BUDGET_MS : 0;
}

export interface RetryHooks {
  /** Called before each wait; `attempt` is the one that failed. */
  onRetry?(attempt: number, error: unknown): void;
  /** A failure that must not be retried (e.g. a revision conflict). */
  isFinal?(error: unknown): boolean;
}

export async function withRetries<T>(write: () => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const spent = attempt >= BROKER_WRITE_ATTEMPTS && Date.now() - started >= budgetMs;
      if (spent || hooks.isFinal?.(error)) throw error;
      hooks.onRetry?.(attempt, error);
      await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1))));
    }
  }
}
