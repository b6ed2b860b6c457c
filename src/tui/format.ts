/** Text-drawing helpers shared by the dashboard's views. Pure, so they are tested directly. */

const SPARKS = '▁▂▃▄▅▆▇█';

/** A bar of `width` cells, `fraction` of them full. */
export function bar(fraction: number, width: number): string {
  const w = Math.max(0, Math.floor(width));
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * w);
  return '█'.repeat(full) + '░'.repeat(w - full);
}

/** The last `width` values as a sparkline scaled to their maximum. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(1, Math.floor(width)));
  const max = Math.max(...shown, 0);
  return shown.map((v) => (max <= 0 ? SPARKS[0] : SPARKS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

/** 0.42 → "420µs", 12.3 → "12.3ms", 1534 → "1.53s". */
export function ms(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '—';
  if (value < 1) return `${Math.round(value * 1000)}µs`;
  if (value < 10) return `${value.toFixed(2)}ms`;
  if (value < 1000) return `${value.toFixed(1)}ms`;
  return `${(value / 1000).toFixed(2)}s`;
}

/** 65_000 → "1m05s". */
export function clock(msValue: number): string {
  const s = Math.max(0, Math.floor(msValue / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
