// What a run changed: the fields of its resolved scenario that differ from a reference (the
// schema's defaults, or the scenario file it was named by), as dotted paths with values.
import { resolveScenario } from '../scenario/resolve.ts';
import { ScenarioSchema, type Scenario } from '../scenario/schema.ts';
import { fieldValueText } from '../numbers.ts';

/** Leaves of `value` whose JSON differs from the same path in `reference`, e.g. ["switches.count", 3]. */
export function differingFields(value: unknown, reference: unknown, path = ''): [string, unknown][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const ref = (reference && typeof reference === 'object' ? reference : {}) as Record<string, unknown>;
    const keys = new Set([...Object.keys(value), ...Object.keys(ref)]);
    return [...keys].flatMap((k) => differingFields((value as Record<string, unknown>)[k], ref[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(value) === JSON.stringify(reference) ? [] : [[path, value]];
}

const withoutText = ({ name: _n, description: _d, ...rest }: Record<string, unknown>) => rest;

/** Fields that differ from the schema's defaults (thresholds left out: the verdict shows them). */
export function nonDefaults(scenario: Scenario): [string, unknown][] {
  const { expect: _e, ...rest } = withoutText(scenario as unknown as Record<string, unknown>);
  const { expect: _d, ...defaults } = withoutText(ScenarioSchema.parse({ name: scenario.name, description: '' }) as unknown as Record<string, unknown>);
  return differingFields(rest, defaults);
}

/**
 * What a run changed from the scenario file it names (--set, --duration, --switches,
 * thresholds): empty when it ran the file as written, or when no such scenario is known.
 */
export function changesFromScenario(scenario: Scenario): [string, unknown][] {
  let file: Scenario;
  try {
    file = resolveScenario(scenario.name);
  } catch {
    return [];
  }
  return differingFields(withoutText(scenario as unknown as Record<string, unknown>), withoutText(file as unknown as Record<string, unknown>));
}

/** One changed field in its unit: "load.durationMs=10s", "load.rate=2,000 req/s". */
export const changeText = ([k, v]: [string, unknown]) => `${k}=${fieldValueText(k, v)}`;

/** "switches.count=3 load.durationMs=15s" */
export const changesText = (changes: [string, unknown][]) => changes.map(changeText).join(' ');
