import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Edit distance (insertions, deletions, substitutions) between two names. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] ?? 0;
}

/** Up to three candidates close to `name` (a typo's distance), nearest first. */
export function nearestNames(name: string, candidates: readonly string[]): string[] {
  const stem = (n: string) => n.replace(/\.ya?ml$/i, '').toLowerCase();
  const limit = Math.max(2, Math.floor(stem(name).length / 3));
  return candidates
    .map((c) => ({ c, d: editDistance(stem(name), stem(c)) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

/** The scenario files a user could have meant: beside the missing one, in ./scenarios, and those saga-sim ships. */
function scenarioFiles(file: string): string[] {
  const shipped = fileURLToPath(new URL('../../scenarios/', import.meta.url));
  const dirs = [...new Set([dirname(file), 'scenarios', relative(process.cwd(), shipped) || '.'])];
  return dirs.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).map((f) => join(dir, f)) : []));
}

/** What to tell a user whose scenario file does not exist. */
export function missingScenarioHint(file: string): string {
  const files = [...new Set(scenarioFiles(file))];
  const near = nearestNames(basename(file), files.map((f) => basename(f)));
  const paths = near.map((n) => files.find((f) => basename(f) === n) as string);
  if (paths.length > 0) return `did you mean ${paths.join(' or ')}? (saga-sim init ${file} writes a starter there)`;
  return `run saga-sim init ${file} to write a starter scenario${files.length > 0 ? `, or pick one of ${files.slice(0, 4).join(', ')}${files.length > 4 ? ', …' : ''}` : ''}`;
}
