/** The value at a dotted path (`data.orderId`, `items.0.id`), or undefined. */
export function readPath(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** An id at a path: a non-empty string, or a number (as its string). */
export function readId(value: unknown, path: string): string | undefined {
  const found = readPath(value, path);
  if (typeof found === 'string' && found.length > 0 && found.length <= 200) return found;
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return undefined;
}
