import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SagaMetrics } from '../metrics/prometheus.js';
import type { OrderStatus, PlaceOrder } from '../services/order/logic.js';
import { closeServer, HttpError, listen, readJson, sendError, sendJson, sendText } from './http.js';
import { parseCreateOrder, toPlaceOrder } from './order-body.js';
import { orderJson, type OrderView } from './order-view.js';

export interface ApiDeps {
  view: OrderView;
  metrics: SagaMetrics;
  /** Stores the order and publishes its order.created; rejects when either fails. */
  submit(order: PlaceOrder): Promise<void>;
  /** The broker is connected and every service is running. */
  ready(): boolean;
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

const PROM_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const STATUSES: readonly OrderStatus[] = ['PENDING', 'CONFIRMED', 'CANCELLED', 'FAILED'];
const MAX_LIST = 1000;

/** The order service's HTTP edge, as in the design: POST /orders, GET /orders/:id, GET /orders, metrics, health. */
export async function startApiServer(deps: ApiDeps, host: string, port: number): Promise<Listening> {
  const server = createServer((req, res) => {
    route(deps, req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(res, error);
      sendError(res, new HttpError(503, (error as Error).message));
    });
  });
  server.keepAliveTimeout = 5000;
  const url = await listen(server, host, port, '--port');
  return { url, close: () => closeServer(server) };
}

async function route(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (path === '/orders' && method === 'POST') return createOrder(deps, req, res);
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} ${path} is not supported`);
  if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (path === '/readyz') return deps.ready() ? sendJson(res, 200, { status: 'ready' }) : sendError(res, new HttpError(503, 'not ready: the broker or a service is down'));
  if (path === '/metrics') return sendText(res, PROM_TYPE, await deps.metrics.all());
  if (path === '/orders/metrics') return sendText(res, PROM_TYPE, await deps.metrics.orders.metrics());
  if (path === '/orders') return listOrders(deps, url, res);
  const match = /^\/orders\/([^/]+)$/.exec(path);
  if (match) {
    const entry = deps.view.get(decodeURIComponent(match[1] as string));
    if (!entry) throw new HttpError(404, `no order ${match[1]}`);
    return sendJson(res, 200, orderJson(entry));
  }
  throw new HttpError(404, `no route ${method} ${path}; try POST /orders, GET /orders/:id, GET /orders, GET /orders/metrics`);
}

async function createOrder(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = parseCreateOrder(await readJson(req));
  if ('errors' in parsed) throw new HttpError(400, 'invalid order', parsed.errors);
  const order = toPlaceOrder(randomUUID(), parsed.order);
  deps.view.placed(order, Date.now());
  try {
    await deps.submit(order);
  } catch (error) {
    deps.view.forget(order.orderId);
    throw new HttpError(503, `the order service could not take the order: ${(error as Error).message}`);
  }
  const { orderId, customerId } = order;
  const items = parsed.order.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice }));
  sendJson(res, 201, { orderId, status: 'PENDING', customerId, items, totalAmount: order.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) / 100 });
}

function listOrders(deps: ApiDeps, url: URL, res: ServerResponse): void {
  const status = url.searchParams.get('status')?.toUpperCase();
  if (status && !STATUSES.includes(status as OrderStatus)) throw new HttpError(400, 'invalid query', [{ field: 'status', message: `one of ${STATUSES.join(', ')}` }]);
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) throw new HttpError(400, 'invalid query', [{ field: 'limit', message: `a whole number from 1 to ${MAX_LIST}` }]);
  const orders = deps.view.list(status as OrderStatus | undefined, limit).map(orderJson);
  sendJson(res, 200, { orders, count: orders.length });
}

/** The payment and inventory services' metrics, on their own port as in the design. */
export async function startMetricsServer(metrics: SagaMetrics, host: string, port: number): Promise<Listening> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const registry = path === '/payments/metrics' ? metrics.payments : path === '/inventory/metrics' ? metrics.inventory : undefined;
    if (!registry) return sendError(res, new HttpError(404, 'try /payments/metrics or /inventory/metrics'));
    registry.metrics().then((text) => sendText(res, PROM_TYPE, text), (error: Error) => sendError(res, new HttpError(503, error.message)));
  });
  const url = await listen(server, host, port, '--metrics-port');
  return { url, close: () => closeServer(server) };
}
