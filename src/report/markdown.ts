import { appendFile, writeFile } from 'node:fs/promises';
import type { Report } from './report.js';

const icon = (passed: boolean) => (passed ? '✅' : '❌');

/** A Markdown summary for CI job pages (GitHub's $GITHUB_STEP_SUMMARY). */
export function renderMarkdown(report: Report): string {
  const o = report.orders;
  const l = report.latency.ms;
  const u = report.latency.uncorrectedMs;
  const lines = [
    `## ${icon(report.passed)} saga-sim: ${report.scenario.name}`,
    '',
    `seed ${report.seed} · ${report.topology} · ${report.delivery} · ${report.state} state · nats-server ${report.broker.version}${report.interrupted ? ' · interrupted' : ''}`,
    '',
    '| orders | confirmed | cancelled | failed | pending | sagas/s |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${o.total} | ${o.confirmed} | ${o.cancelled} | ${o.failed} | ${o.pending} | ${report.throughput.sagasPerSecond} |`,
    '',
    '| latency (ms) | p50 | p90 | p99 | p99.9 | max |',
    '|---|---:|---:|---:|---:|---:|',
    `| from intended send | ${l.p50} | ${l.p90} | ${l.p99} | ${l.p999} | ${l.max} |`,
    `| uncorrected | ${u.p50} | ${u.p90} | ${u.p99} | ${u.p999} | ${u.max} |`,
    '',
    '| check | result | details |',
    '|---|:---:|---|',
    ...report.invariants.map((i) => `| ${cell(i.name)} | ${icon(i.passed)} | ${cell(i.details)} |`),
    ...report.thresholds.map((t) => `| threshold \`${cell(t.expression)}\` | ${icon(t.passed)} | actual ${t.shown} |`),
    ...report.expectations.map((e) => `| ${cell(`${e.orderId} ${e.name}`)} | ${icon(e.passed)} | ${cell(e.details)} |`),
  ];
  const diffs = report.expectations.filter((e) => !e.passed && e.diff);
  for (const e of diffs) lines.push('', `**${e.orderId}** events (\`-\` expected, not observed; \`+\` observed, not expected):`, '```diff', ...(e.diff ?? []), '```');
  return `${lines.join('\n')}\n`;
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export async function writeMarkdown(file: string, report: Report, append = false): Promise<void> {
  await (append ? appendFile : writeFile)(file, renderMarkdown(report));
}
