import type { PlaceOrder } from '../services/order/logic.js';
import { createHistogram, recordMs, summarize, type LatencySummary } from '../metrics/histogram.js';

/** Why an order did not get into the target: counted by kind in the report, never a crash. */
export const ENTRY_ERRORS = ['unreachable', 'timeout', 'http_4xx', 'http_5xx', 'no_order_id'] as const;
export type EntryError = (typeof ENTRY_ERRORS)[number];

export type Entered = { ok: true; targetId: string } | { ok: false; kind: EntryError; detail: string };

export interface EntryStats {
  requests: number;
  accepted: number;
  errors: Record<EntryError, number>;
  /** The first answer of each kind, for the summary (cut short). */
  firstErrors: Partial<Record<EntryError, string>>;
  /** From the request leaving to its answer, ms. */
  responseMs: LatencySummary;
}

/** How a target takes orders: its HTTP API, or a NATS subject. */
export interface OrderEntry {
  /** Where orders go, for the report. */
  readonly url: string;
  /** Fails (exit 3) when nothing answers there at the start. */
  probe(): Promise<void>;
  place(order: PlaceOrder): Promise<Entered>;
  stats(): EntryStats;
  close(): Promise<void>;
}

/** Counts what the entry's requests came to, and how long each took. */
export class EntryTally {
  private readonly histogram = createHistogram();
  private requests = 0;
  private accepted = 0;
  private readonly errors = Object.fromEntries(ENTRY_ERRORS.map((k) => [k, 0])) as Record<EntryError, number>;
  private readonly firstErrors: Partial<Record<EntryError, string>> = {};

  async time(request: () => Promise<Entered>): Promise<Entered> {
    this.requests++;
    const started = performance.now();
    const result = await request();
    recordMs(this.histogram, performance.now() - started);
    if (result.ok) this.accepted++;
    else {
      this.errors[result.kind]++;
      this.firstErrors[result.kind] ??= result.detail.slice(0, 200);
    }
    return result;
  }

  stats(): EntryStats {
    return { requests: this.requests, accepted: this.accepted, errors: { ...this.errors }, firstErrors: { ...this.firstErrors }, responseMs: summarize(this.histogram) };
  }
}
