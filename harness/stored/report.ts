// report.json: everything a run measured, versioned. A change to a figure's definition
// (docs/MEASUREMENT.md) is a change to SCHEMA_VERSION.
import type { Analysis } from '../analysis/types.ts';
import type { RunMeta } from './run-meta.ts';
import type { Scenario } from '../scenario/schema.ts';

/** 2: gaps counted whole, the steady reference a maximum, `scheduled`, load stalls, delay line */
export const SCHEMA_VERSION = 2;

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  meta: RunMeta;
  scenario: Scenario;
  analysis: Analysis;
}

export const buildReport = (meta: RunMeta, scenario: Scenario, analysis: Analysis): Report => ({
  schemaVersion: SCHEMA_VERSION,
  meta,
  scenario,
  analysis,
});
