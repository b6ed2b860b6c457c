/** Stock of one product. Invariant: initial = available + reserved. */
export interface StockLevel {
  available: number;
  reserved: number;
}

export type StockLine = { productId: string; quantity: number };

/** Quantities per product, summing lines that name the same product twice. */
export function demandByProduct(lines: readonly StockLine[]): Map<string, number> {
  const demand = new Map<string, number>();
  for (const line of lines) demand.set(line.productId, (demand.get(line.productId) ?? 0) + line.quantity);
  return demand;
}

/** Products that cannot cover the demand (unknown products count as having none). Empty means all or nothing succeeds. */
export function shortProducts(stock: ReadonlyMap<string, StockLevel>, lines: readonly StockLine[]): string[] {
  const short: string[] = [];
  for (const [productId, quantity] of demandByProduct(lines)) {
    if ((stock.get(productId)?.available ?? 0) < quantity) short.push(productId);
  }
  return short;
}

/** Applies a reservation (sign 1) or a release (sign -1) in place. Callers check shortProducts first. */
export function applyStock(stock: Map<string, StockLevel>, lines: readonly StockLine[], sign: 1 | -1): void {
  for (const [productId, quantity] of demandByProduct(lines)) {
    const level = stock.get(productId);
    if (!level) continue;
    level.available -= sign * quantity;
    level.reserved += sign * quantity;
  }
}
