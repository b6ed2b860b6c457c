const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/** "250ms", "30s", "1.5m", "2h" → milliseconds. A bare number is taken as seconds. Undefined if unparseable. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = DURATION.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (UNITS_MS[match[2] as string] ?? 1);
}
