import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { CLIENT_SCRIPT } from './client.js';
import type { PageData } from './data.js';

const require = createRequire(import.meta.url);
const asset = (path: string) => readFileSync(require.resolve(path), 'utf8');

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
#main { max-width: 1120px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 28px 0 8px; }
.pass { color: #1b7f2a; } .fail { color: #b71c1c; font-weight: bold; }
.chart { background: #fff; border: 1px solid #ddd; padding: 6px; }
.bar-row { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.bar-label { width: 200px; } .bar { height: 14px; display: inline-block; min-width: 1px; } .bar-n { color: #555; }
.ok { background: #2ca02c; } .bad { background: #d62728; } .warn { background: #ffb300; } .both { background: #8e24aa; } .dim { background: #bbb; } .comp { background: #ff7f0e; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 3px 10px; text-align: left; }
ul.invariants { list-style: none; padding: 0; font-family: ui-monospace, monospace; }
td.flag { background: #fff3cd; font-weight: bold; } ul.rules { color: #555; }
`;

/** A `<script type=application/json>` body: `</` would end the script early. */
const embed = (data: unknown) => JSON.stringify(data).replaceAll('</', '<\\/');

/** One self-contained page (no network): the data, uPlot and its style inline. */
export function renderHtml(data: PageData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${data.title.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</title>
<style>${asset('uplot/dist/uPlot.min.css')}${STYLE}</style>
</head>
<body>
<div id="main"></div>
<script id="data" type="application/json">${embed(data)}</script>
<script>${asset('uplot/dist/uPlot.iife.min.js')}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

export async function writeHtml(file: string, data: PageData): Promise<void> {
  await writeFile(file, renderHtml(data));
}
