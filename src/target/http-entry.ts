import { Pool } from 'undici';
import { TargetUnavailableError } from '../errors.js';
import type { TargetConfig } from '../scenario/target-schema.js';
import type { PlaceOrder } from '../services/order/logic.js';
import { EntryTally, type Entered, type EntryStats, type OrderEntry } from './entry-tally.js';
import { readId, readPath } from './json-path.js';
import { orderBody } from './order-body.js';

/**
 * Places orders through the target's HTTP API: POST with the scenario's body on a keep-alive pool
 * (undici), the new order's id read from the response. Response times are measured here; a
 * saga's latency is still from its intended send time, measured on NATS.
 */
export class HttpOrderEntry implements OrderEntry {
  private readonly pool: Pool;
  private readonly tally = new EntryTally();

  constructor(
    readonly url: string,
    private readonly config: TargetConfig,
    private readonly productIndex: ReadonlyMap<string, number>,
  ) {
    const { origin } = new URL(url);
    this.pool = new Pool(origin, { connections: config.order.connections, keepAliveTimeout: 30_000, headersTimeout: config.order.timeout, bodyTimeout: config.order.timeout });
  }

  private path(path: string): string {
    return `${new URL(this.url).pathname.replace(/\/$/, '')}${path}`;
  }

  /** Any HTTP answer will do: it says something listens there. Refused or silent → exit 3. */
  async probe(): Promise<void> {
    try {
      const res = await this.pool.request({ method: 'GET', path: this.path('/'), signal: AbortSignal.timeout(5000) });
      await res.body.dump();
    } catch (cause) {
      throw new TargetUnavailableError(`cannot reach the target at ${this.url} (${describe(cause)}); is it running?`, { cause });
    }
  }

  place(order: PlaceOrder): Promise<Entered> {
    return this.tally.time(() => this.post(order));
  }

  private async post(order: PlaceOrder): Promise<Entered> {
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.path(this.config.order.path),
        headers: { 'content-type': 'application/json' },
        body: orderBody(this.config, order, this.productIndex),
        signal: AbortSignal.timeout(this.config.order.timeout),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      const timedOut = /timeout|aborted/i.test(`${(error as Error).name} ${(error as Error).message}`);
      return { ok: false, kind: timedOut ? 'timeout' : 'unreachable', detail: describe(error) };
    }
    if (status >= 500) return { ok: false, kind: 'http_5xx', detail: `${status} ${text}` };
    if (status >= 400) return { ok: false, kind: 'http_4xx', detail: `${status} ${text}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const targetId = readId(json, this.config.order.orderId);
    return targetId ? { ok: true, targetId } : { ok: false, kind: 'no_order_id', detail: `${status} without ${this.config.order.orderId}: ${text}` };
  }

  /** The API's status word for an order (the optional check), or why there is none. */
  async status(targetId: string): Promise<string> {
    const check = this.config.check;
    if (!check) return '';
    try {
      const res = await this.pool.request({ method: 'GET', path: this.path(check.path.replace('{orderId}', encodeURIComponent(targetId))), signal: AbortSignal.timeout(this.config.order.timeout) });
      const text = await res.body.text();
      if (res.statusCode !== 200) return `HTTP ${res.statusCode}`;
      const value = readPath(JSON.parse(text), check.status);
      return typeof value === 'string' ? value : `no ${check.status}`;
    } catch (error) {
      return describe(error);
    }
  }

  stats(): EntryStats {
    return this.tally.stats();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function describe(error: unknown): string {
  const e = error as Error & { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code ?? e.message;
}
