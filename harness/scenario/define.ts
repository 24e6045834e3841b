import type { ScenarioInput } from './schema.ts';

/** Typed identity: a scenario file gets completion and checking against the schema. */
export const defineScenario = (s: ScenarioInput): ScenarioInput => s;
