import { afterAll, describe, expect, it } from 'vitest';
import { newRunId, RunNames } from '../../src/broker/names.js';
import type { OrderRecord } from '../../src/services/order/logic.js';
import { dropSchemas, openPgStore, provisionSchemas } from '../../src/services/state/postgres/pg-store.js';
import { schemaName } from '../../src/services/state/postgres/settings.js';
import { postgresAnswers, sql, TEST_DATABASE_URL } from '../helpers/postgres.js';

const withPostgres = await postgresAnswers('the outbox relay cases');
const database = { url: TEST_DATABASE_URL, outbox: true };
const names = new RunNames({ id: newRunId(), subjectPrefix: '' });
const provisioned = withPostgres ? provisionSchemas({ names, services: ['order'], database, fresh: true, owner: 'outbox-relay.test' }) : undefined;
afterAll(async () => {
  if (provisioned) await provisioned.then(() => dropSchemas({ names, services: ['order'], database }));
});

const order = (i: number): OrderRecord => ({
  orderId: `ord-${i}`,
  amount: 10,
  status: 'PENDING',
  released: false,
  refunded: false,
  customerId: 'c-1',
  items: [{ productId: 'p-1', quantity: 1, unitPrice: 10 }],
  lastEventId: `ord-${i}`,
  createdAt: 1_700_000_000_000,
});

describe.skipIf(!withPostgres)('outbox relay', () => {
  it('publishes each committed event once, and a store closed right after its writes has marked every row sent', async () => {
    await provisioned;
    const published: string[] = [];
    const store = await openPgStore<OrderRecord>({
      names,
      service: 'order',
      database,
      topology: 'parallel',
      hooks: {},
      send: async (type, _data, msgID) => {
        published.push(`${type} ${msgID}`);
        return true;
      },
    });
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.set(`ord-${i}`, order(i))));
    await store.close?.();

    const rows = await sql<{ total: number; unsent: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent FROM ${schemaName(names, 'order')}.outbox`,
    );
    expect(rows[0]).toEqual({ total: 200, unsent: 0 });
    expect(new Set(published).size).toBe(200);
    expect(published.every((p) => p.startsWith('order.created.v1 '))).toBe(true);
  });
});
