import type pg from 'pg';
import { limiter, withSlot } from '../../limiter.js';
import { withRetries } from '../../retry.js';
import type { Committed } from './pg-backend.js';

/** Publishes one event with its id as Nats-Msg-Id; resolves false when the stream held it already. */
export type RelaySend = (type: string, data: Uint8Array, msgID: string) => Promise<boolean>;

/** How often the relay looks for rows committed but not published (a crash, a lost answer). */
export const SWEEP_INTERVAL_MS = 1000;
/** Sent rows are marked in one statement at most this often. */
const MARK_INTERVAL_MS = 50;
const PUBLISHES_IN_FLIGHT = 256;
/** How long a closing relay waits for its publishes under way; what is left is swept by the next relay. */
const CLOSE_WAIT_MS = 3000;

export interface OutboxRelay {
  /** Publishes rows a commit just added. */
  publish(rows: readonly Committed[]): void;
  /** Publishes what is committed and unsent (a predecessor's), then sweeps every SWEEP_INTERVAL_MS. */
  start(): Promise<void>;
  /** Stops sweeping. */
  stop(): void;
  /** Stops, lets publishes under way finish (up to CLOSE_WAIT_MS) and marks what was sent. */
  close(): Promise<void>;
}

export interface RelayHooks {
  published?(): void;
  retried?(): void;
}

/**
 * The outbox's other half: events committed with the state are published from the table, with
 * the same message id as any earlier attempt (so JetStream drops a repeat), then marked sent.
 * Nothing is lost between a commit and its publish: a row stays unsent until a publish is acked.
 */
export function outboxRelay(pool: pg.Pool, send: RelaySend, hooks: RelayHooks = {}): OutboxRelay {
  const inFlight = new Set<number>();
  const pending = new Set<Promise<void>>();
  const sent: number[] = [];
  const slots = limiter(PUBLISHES_IN_FLIGHT);
  let markTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  let marking: Promise<void> = Promise.resolve();
  const mark = () => (marking = marking.then(markSent));
  const markSent = async () => {
    markTimer = undefined;
    if (sent.length === 0) return;
    const seqs = sent.splice(0);
    try {
      await pool.query('UPDATE outbox SET sent_at = now() WHERE seq = ANY($1::bigint[])', [seqs]);
    } catch {
      // Unmarked rows are published again by a sweep, and dropped by JetStream as repeats.
      sent.push(...seqs);
      if (!stopped) markTimer = setTimeout(() => void mark(), SWEEP_INTERVAL_MS);
    }
  };
  const publishOne = (row: Committed): Promise<void> => {
    if (inFlight.has(row.seq) || stopped) return Promise.resolve();
    const publishing = attempt(row).finally(() => pending.delete(publishing));
    pending.add(publishing);
    return publishing;
  };
  const attempt = async (row: Committed) => {
    inFlight.add(row.seq);
    try {
      const fresh = await withSlot(slots, () => withRetries(() => send(row.type, row.data, row.eventId), { onRetry: () => hooks.retried?.() }));
      if (fresh) hooks.published?.();
      sent.push(row.seq);
      markTimer ??= setTimeout(() => void mark(), MARK_INTERVAL_MS);
    } catch {
      // Left unsent: the next sweep tries again.
    } finally {
      inFlight.delete(row.seq);
    }
  };
  const sweep = async () => {
    try {
      const { rows } = await pool.query<{ seq: number; event_id: string; type: string; envelope: string }>(
        'SELECT seq::float8 AS seq, event_id, type, envelope::text AS envelope FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT 5000',
      );
      const unsent = rows.filter((r) => !inFlight.has(r.seq) && !sent.includes(r.seq));
      await Promise.all(unsent.map((r) => publishOne({ seq: r.seq, eventId: r.event_id, type: r.type, data: Buffer.from(r.envelope, 'utf8') })));
    } catch {
      // The database is away: the next sweep tries again.
    }
  };
  return {
    publish: (rows) => rows.forEach((row) => void publishOne(row)),
    async start() {
      await sweep();
      const again = () => {
        sweepTimer = setTimeout(() => void sweep().finally(() => !stopped && again()), SWEEP_INTERVAL_MS);
        sweepTimer.unref();
      };
      again();
    },
    stop() {
      stopped = true;
      clearTimeout(sweepTimer);
      clearTimeout(markTimer);
    },
    async close() {
      this.stop();
      let waited: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (waited = setTimeout(resolve, CLOSE_WAIT_MS)));
      await Promise.race([Promise.allSettled([...pending]), timeout]);
      clearTimeout(waited);
      clearTimeout(markTimer);
      await mark();
    },
  };
}
