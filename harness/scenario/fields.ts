// Every scenario field, from the schema itself: its path, the type it expects in words, and its
// default. Feeds `--fields`, and the validation messages' "expected …" and "did you mean …".
import { z } from 'zod';
import { ScenarioSchema } from './schema.ts';

type JsonNode = {
  type?: string | string[];
  anyOf?: JsonNode[];
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  items?: JsonNode | false;
  prefixItems?: JsonNode[];
  properties?: Record<string, JsonNode>;
};

let schemaCache: JsonNode | null = null;
const jsonSchema = (): JsonNode => (schemaCache ??= z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) as JsonNode);

/** The schema node at a dotted path (or path array); null when there is no such field. */
export function fieldAt(path: readonly PropertyKey[]): JsonNode | null {
  let node: JsonNode | undefined = jsonSchema();
  for (const key of path) {
    node = node?.properties?.[String(key)];
    if (!node) return null;
  }
  return node;
}

/** The field names one level below a path (the top level for []). */
export const fieldsUnder = (path: readonly PropertyKey[]): string[] => Object.keys(fieldAt(path)?.properties ?? {});

function range(node: JsonNode & { exclusiveMinimum?: number }): string {
  const lo = node.minimum !== undefined && node.minimum > Number.MIN_SAFE_INTEGER ? node.minimum : node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : undefined;
  const hi = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  if (lo !== undefined && hi !== undefined) return ` ${lo}–${hi}`;
  if (lo !== undefined) return ` >= ${lo}`;
  if (hi !== undefined) return ` <= ${hi}`;
  return '';
}

/** What a field expects, in words, e.g. `"auto" or an integer 1–64`. */
export function describeField(path: readonly PropertyKey[]): string {
  const name = String(path[path.length - 1] ?? '');
  const node = fieldAt(path);
  if (!node) return 'unknown';
  if (path[0] === 'expect' && path.length === 2 && name !== 'knownBad') return 'a number (the limit), or {"limit": n, "stat": "max|min|median|mean|p95"}';
  if (name.endsWith('Ms')) return 'a duration: 500ms, 2s, 1.5m, or a bare number of milliseconds';
  return describe(node);
}

function describe(node: JsonNode): string {
  if (node.anyOf) return node.anyOf.map(describe).join(' or ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  switch (type) {
    case 'integer':
      return `an integer${range(node)}`;
    case 'number':
      return `a number${range(node)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return node.pattern?.includes('ms|s|m|h|d') ? 'an nginx time: 60s, 500ms, 1m' : 'a string';
    case 'array':
      if (node.prefixItems) return `a JSON list of ${node.prefixItems.length}: [${node.prefixItems.map(describe).join(', ')}]`;
      return `a JSON list of ${node.items ? `${describe(node.items).replace(/^an? /, '')}s` : 'values'}, e.g. ["a", "b"]`;
    case 'object':
      return 'an object';
    default:
      return 'any value';
  }
}

/** Every leaf field: path, expected type, default (from the schema's own defaults). */
export function listFields(): { path: string; type: string; defaultValue: unknown }[] {
  const defaults = ScenarioSchema.parse({ name: 'defaults', description: '' }) as unknown as Record<string, unknown>;
  const out: { path: string; type: string; defaultValue: unknown }[] = [];
  const walk = (node: JsonNode, path: string[]) => {
    const isGroup = node.properties && !(path[0] === 'expect' && path.length === 2);
    if (isGroup && path.length < 2) {
      for (const key of Object.keys(node.properties!)) walk(node.properties![key], [...path, key]);
      return;
    }
    const value = path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], defaults);
    out.push({ path: path.join('.'), type: describeField(path), defaultValue: value });
  };
  walk(jsonSchema(), []);
  // name and description are the scenario file's own, not settings
  return out.filter((f) => f.path !== 'name' && f.path !== 'description');
}

export function formatFields(): string {
  const rows = listFields();
  const width = Math.max(...rows.map((r) => r.path.length));
  const shown = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return [
    'Every scenario field, for --set field=value (a value that parses as JSON is JSON, anything else',
    'a string: --set proxy.keepaliveTimeout=3s, --set proxy.workerProcesses=1,',
    `--set 'proxy.extraHttp=["keepalive_time 10s;"]', --set expect.maxGapMs='{"limit":50,"stat":"p95"}'):`,
    '',
    `  ${'field'.padEnd(width)}  ${'default'.padEnd(12)}  expects`,
    ...rows.map((r) => `  ${r.path.padEnd(width)}  ${shown(r.defaultValue).padEnd(12)}  ${r.type}`),
  ].join('\n');
}

/** Levenshtein distance, case-insensitive: how far a mistyped field is from a real one. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The nearest candidate, when it is near enough to be the one meant. */
export function nearest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}
