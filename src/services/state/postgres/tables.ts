import type { Outgoing, Topology } from '../../outgoing.js';
import type { ServiceName } from '../../service.js';
import { inventoryEvents, type InventoryRecord } from '../../inventory/logic.js';
import { orderEvents, type OrderRecord } from '../../order/logic.js';
import { paymentEvents, type PaymentRecord, type Transaction } from '../../payment/logic.js';
import { bool, cents, defined, int, json, optional, text, timestamp, type Column } from './columns.js';

type Row = Record<string, unknown>;

/** Rows a write appends beside the record's own (the payments ledger), each keyed by its own id. */
export interface ChildTable<R> {
  name: string;
  key: string;
  columns: Column<{ orderId: string; row: unknown; position: number }>[];
  rows(record: R): unknown[];
}

/** One service's tables: the records by order_id, what is appended beside them, and the events each record stands for. */
export interface Table<R> {
  name: string;
  columns: Column<R>[];
  child?: ChildTable<R>;
  /** More DDL once the tables exist (a view). */
  extraDdl: string[];
  /** Reads a record back from a row (and its children, as `children`: a JSON array). */
  fromRow(row: Row): R;
  events(record: R): Outgoing[];
}

const orders: Table<OrderRecord> = {
  name: 'orders',
  columns: [
    text('customer_id', (r) => r.customerId, true),
    text('status', (r) => r.status, true),
    cents('amount', (r) => r.amount, true),
    text('reason', (r) => r.reason),
    text('payment', (r) => r.payment),
    text('inventory', (r) => r.inventory),
    bool('released', (r) => r.released),
    bool('refunded', (r) => r.refunded),
    json('items', (r) => r.items),
    text('last_event_id', (r) => r.lastEventId, true),
    text('concluded_by', (r) => r.concludedBy),
    text('failure', (r) => r.failure),
    timestamp('created_at', (r) => r.createdAt),
  ],
  extraDdl: [],
  fromRow: (row) =>
    defined<OrderRecord>({
      orderId: row.order_id as string,
      amount: row.amount as number,
      status: row.status as OrderRecord['status'],
      reason: optional(row.reason),
      payment: optional(row.payment),
      inventory: optional(row.inventory),
      released: row.released as boolean,
      refunded: row.refunded as boolean,
      customerId: row.customer_id as string,
      items: row.items as OrderRecord['items'],
      lastEventId: row.last_event_id as string,
      concludedBy: optional(row.concluded_by),
      failure: optional(row.failure),
      createdAt: row.created_at as number,
    }),
  events: orderEvents,
};

const payments = (topology: Topology): Table<PaymentRecord> => ({
  name: 'payments',
  columns: [
    cents('amount', (r) => r.amount),
    text('charge', (r) => r.charge, true),
    bool('refunded', (r) => r.refunded),
    text('created_event_id', (r) => r.createdEventId),
    text('reserved_event_id', (r) => r.reservedEventId),
    text('compensate_event_id', (r) => r.compensateEventId),
  ],
  // Every charge and refund as made: the ledger is appended to, never rewritten.
  child: {
    name: 'ledger',
    key: 'transaction_id',
    columns: [
      text('transaction_id', (c) => (c.row as Transaction).transactionId, true),
      text('kind', (c) => (c.row as Transaction).kind, true),
      cents('amount', (c) => (c.row as Transaction).amount, true),
      { name: 'position', ddl: 'integer NOT NULL', param: 'integer', get: (c) => c.position },
    ],
    rows: (r) => r.ledger,
  },
  extraDdl: [],
  fromRow: (row) =>
    defined<PaymentRecord>({
      orderId: row.order_id as string,
      amount: optional(row.amount),
      createdEventId: optional(row.created_event_id),
      reservedEventId: optional(row.reserved_event_id),
      compensateEventId: optional(row.compensate_event_id),
      charge: row.charge as PaymentRecord['charge'],
      refunded: row.refunded as boolean,
      ledger: ((row.children as { transaction_id: string; kind: Transaction['kind']; amount: number }[] | null) ?? []).map((c) => ({
        kind: c.kind,
        orderId: row.order_id as string,
        transactionId: c.transaction_id,
        amount: Number(c.amount),
      })),
    }),
  events: (r) => paymentEvents(r, topology),
});

const reservations: Table<InventoryRecord> = {
  name: 'reservations',
  columns: [
    text('reservation', (r) => r.reservation, true),
    json('items', (r) => r.items),
    json('short', (r) => r.short),
    bool('released', (r) => r.released),
    text('created_event_id', (r) => r.createdEventId),
    text('compensate_event_id', (r) => r.compensateEventId),
    // Which inventory instance's stock share reserved and released it (several instances; null: one).
    int('holder', (r) => r.holder),
    int('released_by', (r) => r.releasedBy),
  ],
  // Stock is derived from the reservations, as the service derives it: the two cannot disagree.
  extraDdl: [
    'CREATE TABLE IF NOT EXISTS products (product_id text PRIMARY KEY, initial integer NOT NULL)',
    `CREATE OR REPLACE VIEW stock AS
       SELECT p.product_id, p.initial, p.initial - coalesce(h.held, 0) AS available, coalesce(h.held, 0) AS reserved
       FROM products p LEFT JOIN (
         SELECT i."productId" AS product_id, sum(i.quantity)::integer AS held
         FROM reservations r, json_to_recordset(r.items) AS i("productId" text, quantity integer)
         WHERE r.reservation = 'reserved' AND NOT r.released
         GROUP BY 1) h USING (product_id)`,
  ],
  fromRow: (row) =>
    defined<InventoryRecord>({
      orderId: row.order_id as string,
      items: optional(row.items),
      createdEventId: optional(row.created_event_id),
      compensateEventId: optional(row.compensate_event_id),
      reservation: row.reservation as InventoryRecord['reservation'],
      short: optional(row.short),
      released: row.released as boolean,
      holder: optional(row.holder),
      releasedBy: optional(row.released_by),
    }),
  events: inventoryEvents,
};

/** The table a service keeps its records in. */
export function tableFor(service: ServiceName, topology: Topology): Table<unknown> {
  const table = service === 'order' ? orders : service === 'payment' ? payments(topology) : reservations;
  return table as unknown as Table<unknown>;
}
