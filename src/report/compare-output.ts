import { NOISE_RULES, type Figure } from '../experiment/compare.js';
import type { Report } from './report.js';
import type { Paint } from './summary-text.js';

const digits = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 10 ? v.toFixed(2) : v.toFixed(3));

function change(ratio: number | undefined): string {
  if (ratio === undefined) return '';
  const pct = (ratio - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

/** The settings that tell runs apart, in a few words. */
export function settingsOf(r: Report): string {
  return `${r.scenario.name} · ${r.delivery} · state ${r.state} · ${r.topology} · ${r.orders.total} orders at ${r.throughput.offeredPerSecond}/s`;
}

/** Side by side, the first report the baseline; a change beyond the figure's noise rule is marked. */
export function renderComparison(files: readonly string[], reports: readonly Report[], figures: readonly Figure[], paint: Paint): string {
  const names = files.map((f) => f.split('/').at(-1) ?? f);
  const label = (f: Figure) => `${f.name}${f.unit ? ` (${f.unit})` : ''}`;
  const width = Math.max(...figures.map((f) => label(f).length)) + 2;
  const col = Math.max(10, ...names.map((n) => n.length)) + 2;
  // After each compared value: its change against the baseline, and * when it is beyond the noise.
  const changeWidth = 11;
  const lines = files.map((f, i) => `${(i === 0 ? 'baseline' : `run ${i}`).padEnd(8)}  ${f}: ${settingsOf(reports[i] as Report)}`);
  lines.push('', `${''.padEnd(width)}${names.map((n, i) => n.padStart(col) + (i === 0 ? '' : ''.padEnd(changeWidth))).join('')}`);
  for (const f of figures) {
    const cells = f.values.map((v, i) => {
      const value = (v === undefined ? '—' : digits(v)).padStart(col);
      if (i === 0) return value;
      const delta = `${change(f.ratios[i])}${f.flagged[i] ? ' *' : ''}`.padEnd(changeWidth - 1);
      return `${value} ${f.flagged[i] ? paint.bold(delta) : delta}`;
    });
    lines.push(`${label(f).padEnd(width)}${cells.join('')}`.trimEnd());
  }
  const flagged = figures.filter((f) => f.flagged.some(Boolean)).length;
  lines.push('', flagged === 0 ? 'no change beyond the noise' : `* ${flagged} figure${flagged === 1 ? '' : 's'} changed beyond the noise`);
  lines.push(...Object.values(NOISE_RULES).map((rule) => paint.dim(`  ${rule}`)));
  return lines.join('\n');
}
