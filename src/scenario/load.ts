import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { ScenarioError } from '../errors.js';
import { ScenarioSchema, type Scenario } from './schema.js';
import { missingScenarioHint } from './suggest.js';
import { hasProduct, someProducts } from './products.js';

/** Dotted key → value, applied over the file before validation (CLI flags and environment). */
export type ScenarioOverrides = Record<string, unknown>;
/** The override key whose faults (a list) are added to the scenario's own (--fault). */
export const APPEND_FAULTS = 'faults+';

export async function loadScenarioFile(file: string, overrides: ScenarioOverrides = {}): Promise<Scenario> {
  return parseScenario(await readScenarioText(file), file, overrides);
}

/** Scenario files above this are refused unread: a scenario is a page of YAML, and a huge one only costs memory and time. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** YAML aliases a scenario may expand; a "billion laughs" file needs millions. */
const MAX_ALIASES = 100;

/** The file's text, or a ScenarioError saying why it cannot be read. For commands that parse it more than once. */
export async function readScenarioText(file: string): Promise<string> {
  try {
    const size = (await stat(file)).size;
    if (size > MAX_SCENARIO_BYTES) {
      throw new ScenarioError(`${file}: ${size.toLocaleString('en-US')} bytes, over the ${MAX_SCENARIO_BYTES.toLocaleString('en-US')}-byte limit for a scenario file`, file);
    }
    return await readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof ScenarioError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `file not found; ${missingScenarioHint(file)}` : code === 'EISDIR' ? 'is a directory' : String(cause);
    throw new ScenarioError(`${file}: ${why}`, file, undefined, undefined, { cause });
  }
}

/** Parses YAML text into a frozen, validated scenario; every error names file, line and key. */
export function parseScenario(text: string, file: string, overrides: ScenarioOverrides = {}): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    const what = syntax.message.split('\n')[0] ?? 'YAML syntax error';
    throw new ScenarioError(`${file}:${line ?? '?'}: YAML syntax error: ${what}`, file, line);
  }
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError(`${file}: over the ${MAX_SCENARIO_BYTES.toLocaleString('en-US')}-byte limit for a scenario`, file);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (cause) {
    // The yaml library refuses an alias expansion past the count (a "billion laughs" file).
    throw new ScenarioError(`${file}: too many YAML alias expansions (over ${MAX_ALIASES}); a scenario needs none of that size`, file, undefined, undefined, { cause });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError(`${file}:1: expected a mapping of scenario keys (name, seed, orders, ...)`, file, 1);
  }
  // Faults from --fault come after the file's own: an index from here on is a flag's.
  let ownFaults = Infinity;
  for (const [path, value] of Object.entries(overrides)) {
    const r = raw as Record<string, unknown>;
    if (path !== APPEND_FAULTS) {
      setPath(r, path.split('.'), value);
      continue;
    }
    const own = Array.isArray(r.faults) ? r.faults : [];
    ownFaults = own.length;
    r.faults = [...own, ...(value as unknown[])];
  }
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = issuePath(issue);
    const key = path.join('.') || '(top level)';
    const fromFlag = Object.keys(overrides).some((o) => key.startsWith(o)) || (path[0] === 'faults' && Number(path[1]) >= ownFaults);
    const line = fromFlag ? undefined : lineOf(doc, lines, path);
    const where = fromFlag ? `${file} (override ${key})` : `${file}:${line ?? '?'}`;
    const missing = issue.code !== 'unrecognized_keys' && path.length > 0 && valueAt(raw, path) === undefined;
    throw new ScenarioError(`${where}: ${key}: ${missing ? 'required, but missing' : describe(issue)}`, file, line, key);
  }
  checkScriptProducts(parsed.data, file, (path) => lineOf(doc, lines, path));
  return deepFreeze({ ...parsed.data, file });
}

/** A scripted order's product must be in the catalogue: said with its line, before anything starts. */
function checkScriptProducts(scenario: Omit<Scenario, 'file'>, file: string, lineAt: (path: (string | number)[]) => number | undefined): void {
  for (const [i, entry] of scenario.script.entries()) {
    for (const [j, item] of (entry.items ?? []).entries()) {
      if (hasProduct(scenario.catalogue, item.product)) continue;
      const path = ['script', i, 'items', j, 'product'];
      const line = lineAt(path);
      throw new ScenarioError(`${file}:${line ?? '?'}: script[${i}].items[${j}].product: unknown product "${item.product}" (catalogue has ${someProducts(scenario.catalogue)})`, file, line, path.join('.'));
    }
  }
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) return [...path, issue.keys[0]];
  return path;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return 'unknown key; remove it or check its spelling against docs/scenarios.md';
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return `required (${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Line of the deepest node on the path that exists in the document (a missing key points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node: unknown = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    const keyNode = depth > 0 ? findKeyNode(doc, prefix) : undefined;
    const range = (keyNode as { range?: [number, number, number] } | undefined)?.range ??
      (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}

function findKeyNode(doc: Document, path: (string | number)[]): unknown {
  const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  return parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last)?.key;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
