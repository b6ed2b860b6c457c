// Not order-factory: workers load this, and must not load faker with it.
import { orderIdFor } from './order-id.js';

/**
 * A few bits per order id that stay small over a million orders: generated ids (`ord-000042`) index
 * a growing array, others (scripted ids) a Map. 0 means absent. Settled sagas are remembered here
 * (which event types they had) after their records and traces are dropped.
 */
export class OrderFlags {
  private flags = new Uint16Array(1024);
  private readonly others = new Map<string, number>();
  private count = 0;

  /** Ids with flags set. */
  get size(): number {
    return this.count;
  }

  get(id: string): number {
    return this.at(id, generatedIndex(id));
  }

  has(id: string): boolean {
    return this.get(id) !== 0;
  }

  /** Every id with flags set: generated ones in order, then the others. */
  *ids(): IterableIterator<string> {
    for (let n = 0; n < this.flags.length; n++) if (this.flags[n]) yield orderIdFor(n);
    for (const [id, bits] of this.others) if (bits) yield id;
  }

  /** Adds `bits` (non-zero) to the id's flags. */
  add(id: string, bits = 1): void {
    const n = generatedIndex(id);
    const before = this.at(id, n);
    const after = before | bits;
    if (before === 0 && after !== 0) this.count++;
    if (n === undefined) {
      this.others.set(id, after);
      return;
    }
    if (n >= this.flags.length) {
      const grown = new Uint16Array(Math.max(n + 1, this.flags.length * 2));
      grown.set(this.flags);
      this.flags = grown;
    }
    this.flags[n] = after;
  }

  /** The flags of `id`, whose generated index (if any) is `n`: the id is parsed once per call. */
  private at(id: string, n: number | undefined): number {
    if (n === undefined) return this.others.get(id) ?? 0;
    return n < this.flags.length ? (this.flags[n] ?? 0) : 0;
  }
}

/** The sequence number of an id from orderIdFor, written the canonical way (no ambiguous zeros). */
function generatedIndex(id: string): number | undefined {
  // Called for every message a service or the observer receives, so it parses without allocating.
  if (id.length < 10 || id.length > 14 || !id.startsWith('ord-')) return undefined;
  // `ord-0000042` is another string than `ord-000042`: only the form orderIdFor writes maps to an index,
  // six digits, or more without a leading zero.
  if (id.length > 10 && id.charCodeAt(4) === 48) return undefined;
  let n = 0;
  for (let i = 4; i < id.length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return n;
}
