import type { Topology } from '../services/outgoing.js';
import type { ServiceName, ServiceSnapshot } from '../services/service.js';
import type { ServiceHandle } from '../services/handle.js';
import { InvariantTally, type InvariantResult } from '../verify/invariants.js';
import { sagaSettled } from '../verify/settled.js';
import type { TraceBook } from '../verify/trace.js';

/**
 * How long a saga stays in memory after it settled on NATS. Copies of its events may still be on
 * their way (the duplicate fault, a publish retried through a broker restart, a redelivery); after
 * this they are told apart from new events by type (TraceBook), and services ack them unread.
 */
export const SETTLE_GRACE_MS = 2000;
/** Sagas handed to the workers in one settle request. */
const MAX_BATCH = 5000;

export interface SettlementOptions {
  book: TraceBook;
  workers: ReadonlyMap<ServiceName, ServiceHandle>;
  topology: Topology;
  delivery: 'jetstream' | 'core';
  /** Orders kept to the end of the run (scripted ones with expectations). */
  keep: ReadonlySet<string>;
  graceMs: number;
  /** A saga's records and trace were checked and dropped. */
  onSettled?: (orderId: string) => void;
}

type Snapshots = { order: Extract<ServiceSnapshot, { service: 'order' }>; payment: Extract<ServiceSnapshot, { service: 'payment' }>; inventory: Extract<ServiceSnapshot, { service: 'inventory' }> };

/**
 * Keeps a long run's memory flat: a saga that settled on NATS (it ended, and what it had to undo
 * is undone) is checked against the invariants with its records from the three services, and then
 * dropped by the services and by the observer's trace book. The run's end checks the rest.
 */
export class Settlement {
  readonly tally: InvariantTally;
  private readonly ids: string[] = [];
  private readonly times: number[] = [];
  private head = 0;
  private readonly queued = new Set<string>();
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** Sagas judged and dropped so far. */
  settled = 0;

  constructor(private readonly options: SettlementOptions) {
    this.tally = new InvariantTally(options.delivery);
  }

  /** Called for each new event the observer records; `at`: now, epoch ms. */
  seen(orderId: string, at: number): void {
    const { book, keep, topology, delivery } = this.options;
    // A settled saga has no trace left, so this also skips events that come after it was dropped.
    const counts = book.orders.get(orderId)?.counts;
    if (!counts || this.queued.has(orderId) || keep.has(orderId) || !sagaSettled(counts, topology, delivery)) return;
    this.queued.add(orderId);
    this.ids.push(orderId);
    this.times.push(at);
  }

  /** Hands the sagas settled longer than the grace to the workers, one batch at a time. */
  tick(at: number): void {
    if (this.inFlight || this.closed) return;
    const due = at - this.options.graceMs;
    let end = this.head;
    while (end < this.ids.length && end - this.head < MAX_BATCH && (this.times[end] ?? Infinity) <= due) end++;
    if (end === this.head) return;
    const batch = this.ids.slice(this.head, end);
    this.head = end;
    if (this.head > 10_000 && this.head * 2 > this.ids.length) {
      this.ids.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
    // A failed request means a worker crashed for good; the run fails on that, not here.
    this.inFlight = this.settle(batch)
      .catch(() => undefined)
      .finally(() => (this.inFlight = undefined));
  }

  /** Stops settling and waits for the request in flight, so the final snapshots miss no saga. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
  }

  /** The invariants over the whole run: the settled batches, plus `placed` (all orders) against the final snapshots. */
  finish(placed: Iterable<string>, final: Snapshots): InvariantResult[] {
    const { book } = this.options;
    const unsettled = function* () {
      for (const id of placed) if (!book.isSettled(id)) yield id;
    };
    this.tally.add({ placed: unsettled(), ...final, observed: book });
    this.tally.late(book.afterSettle, book.afterSettleCount);
    return this.tally.results(final.inventory);
  }

  private async settle(orderIds: string[]): Promise<void> {
    const { workers, book, onSettled } = this.options;
    const reply = (name: ServiceName) => (workers.get(name) as ServiceHandle).settle(orderIds);
    const [order, payment, inventory] = await Promise.all([reply('order'), reply('payment'), reply('inventory')]);
    this.tally.add({ placed: orderIds, ...({ order, payment, inventory } as Snapshots), observed: book });
    this.settled += orderIds.length;
    for (const id of orderIds) {
      book.settle(id);
      this.queued.delete(id);
      onSettled?.(id);
    }
  }
}
