/**
 * The simulated payment decision: a pure function of (seed, orderId), so a seed reproduces
 * every order's outcome whatever the timing or the order in which messages arrive.
 */
export function paymentSucceeds(seed: number, orderId: string, successRate: number): boolean {
  if (successRate >= 1) return true;
  if (successRate <= 0) return false;
  return unitHash(`${seed}:${orderId}`) < successRate;
}

/** FNV-1a, then the murmur3 finaliser so that ids differing in one digit spread uniformly. Returns [0, 1). */
export function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}
