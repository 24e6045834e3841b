// From a scenario name and command-line overrides to a validated Scenario.
import { z } from 'zod';
import { scenarios } from '../../scenarios/index.ts';
import { CannotMeasure } from '../errors.ts';
import { describeField, fieldsUnder, nearest } from './fields.ts';
import { contradictions, declaredText, knownBadFailure } from './thresholds.ts';
import { ScenarioSchema, type Scenario, type ScenarioInput, type ThresholdName } from './schema.ts';

/** `path.to.field=value`; the value is JSON when it parses as JSON, else a plain string. */
export interface Override {
  path: string;
  value: unknown;
}

export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CannotMeasure(`--set ${text}: expected field=value, e.g. --set proxy.keepaliveTimeout=3s`);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a bare word such as 3s or auto
  }
  return { path: text.slice(0, eq), value };
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function applyOverrides(input: ScenarioInput, overrides: Override[]): ScenarioInput {
  const out = structuredClone(input) as Record<string, unknown>;
  for (const { path, value } of overrides) {
    const keys = path.split('.');
    // Walking into these would set a property on every object in the process.
    if (keys.some((k) => UNSAFE_KEYS.has(k))) throw new CannotMeasure(`--set ${path}: unknown field`);
    let node = out;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
  }
  return out as ScenarioInput;
}

export function validateScenario(input: unknown): Scenario {
  const result = ScenarioSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new CannotMeasure(`invalid scenario:\n${formatIssues(result.error, scenarioFields)}\n(every field with its default: --fields)`);
}

/**
 * A stored file's JSON text checked against its schema: CannotMeasure naming the file and each
 * wrong field. `T`: the schema's output, or the richer type a loose schema stands for.
 */
export function parseJsonAs<S extends z.ZodType, T = z.output<S>>(schema: S, text: string, source: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CannotMeasure(`${source} is not valid JSON (${(err as Error).message})`);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new CannotMeasure(`${source} is damaged or not ${what}:\n${formatIssues(result.error)}`);
  return result.data as T;
}

/** Where validation messages look up a schema's fields: names under a path, and what one expects. */
export interface FieldLookup {
  fieldsUnder(path: readonly PropertyKey[]): string[];
  describeField(path: readonly PropertyKey[]): string;
}
const scenarioFields: FieldLookup = { fieldsUnder, describeField };

/**
 * One line per problem, naming the field. With a field lookup, an unknown field comes with the
 * nearest real one (or the list of them), and a value of the wrong kind with what it expects.
 */
export function formatIssues(error: z.ZodError, fields?: FieldLookup): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((k) => {
            const known = fields?.fieldsUnder(issue.path) ?? [];
            const near = nearest(k, known);
            const hint = near ? `; did you mean ${field ? `${field}.` : ''}${near}?` : known.length ? ` (known here: ${known.join(', ')})` : '';
            return `  ${field ? `${field}.${k}` : k}: unknown field${hint}`;
          })
          .join('\n');
      }
      const generic = issue.code === 'invalid_union' || issue.code === 'invalid_type' || issue.message === 'Invalid input';
      if (fields && generic && issue.path.length) {
        const input = 'input' in issue ? issue.input : undefined;
        // a duration that did not parse arrives here as NaN: its text is gone, so say nothing of it
        const got = input !== undefined && !Number.isNaN(input) ? `${JSON.stringify(input)} is not valid: ` : '';
        return `  ${field}: ${got}expected ${fields.describeField(issue.path)}`;
      }
      return `  ${field || '(scenario)'}: ${issue.message}`;
    })
    .join('\n');
}

export function scenarioNames(): string[] {
  return scenarios.map((s) => s.name);
}

export function resolveScenario(name: string, overrides: Override[] = []): Scenario {
  const found = scenarios.find((s) => s.name === name);
  if (!found) {
    throw new CannotMeasure(`unknown scenario "${name}". Known scenarios:\n${listScenarios()}`);
  }
  return withoutContradictions(validateScenario(applyOverrides(found, overrides)), overrides);
}

/**
 * Thresholds no run can pass together are refused before anything runs (exit 2), naming both
 * and where each came from: the command line (a gate flag or --set) or the scenario itself.
 */
export function withoutContradictions(scenario: Scenario, overrides: readonly Override[]): Scenario {
  const [first] = contradictions(scenario.expect);
  if (!first) return scenario;
  const given = (name: ThresholdName) =>
    overrides.some((o) => o.path === 'expect' || o.path === `expect.${name}` || o.path.startsWith(`expect.${name}.`)) ? 'given on the command line' : "the scenario's own";
  const text = (name: ThresholdName) => `${declaredText(name, scenario.expect[name]!)} (${given(name)})`;
  const knownBad = scenario.expect.knownBad;
  // a lower limit of 0 holds for any figure: the way to lift the scenario's own
  const lift = given(first.lower) === "the scenario's own" ? `, or lift the scenario's ${first.lower} with --set expect.${first.lower}=0` : '';
  throw new CannotMeasure(
    `thresholds that contradict each other: ${text(first.upper)} and ${text(first.lower)}; no run can pass both` +
      (knownBad
        ? `. ${scenario.name} is a known-bad reference, kept to lose requests (${knownBadFailure(knownBad)}): to gate on losing none, gate a scenario meant to lose none (npm run gate -- --list shows each one's thresholds)${lift}`
        : `: drop one of them${lift}`),
  );
}

export function listScenarios(): string {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`).join('\n');
}
