// Calibration: the meter against outages whose length is known because the harness made them
// (MEASUREMENT.md, "Calibration"). The live app fails for D ms; the measured errorWindowMs and
// maxGapMs must match D within max(2 ms, 5 %).
import { analyze } from '../analysis/analyze.ts';
import { resolveScenario, type Override } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { outageAction, type OutageMode } from './plans.ts';
import { runScenario, type RunHooks, type RunOutput } from './run.ts';

export const tolerance = (truthMs: number) => Math.max(2, truthMs * 0.05);

/** Steady time between outages: the settle time plus room for a clean reference. */
const SPACING_MS = 1500;
const WARMUP_MS = 1000;

export interface CalibrationRow {
  mode: OutageMode;
  plannedMs: number;
  /** the outage as the app really ran it */
  truthMs: number;
  errorWindowMs: number;
  maxGapMs: number;
  failedRequests: number;
  withinTolerance: boolean;
}

/** One run per mode: outages of each length in turn, steady load between them. */
export function calibrationScenario(durationsMs: number[], overrides: Override[] = []): Scenario {
  const total = WARMUP_MS + durationsMs.reduce((sum, d) => sum + d + SPACING_MS, 0) + SPACING_MS;
  return resolveScenario('keepalive-60s', [
    { path: 'switches.count', value: 0 },
    { path: 'load.warmupMs', value: WARMUP_MS },
    { path: 'load.cooldownMs', value: SPACING_MS },
    { path: 'load.durationMs', value: total },
    ...overrides,
  ]);
}

export async function calibrate(mode: OutageMode, durationsMs: number[], overrides: Override[] = [], hooks: RunHooks = {}) {
  const scenario = calibrationScenario(durationsMs, overrides);
  let due = WARMUP_MS;
  const plan = durationsMs.map((d) => {
    const action = outageAction(due, mode, d);
    due += d + SPACING_MS;
    return action;
  });
  const run = await runScenario(scenario, plan, hooks);
  return { run, rows: evaluate(run, mode, durationsMs, scenario) };
}

export function evaluate(run: RunOutput, mode: OutageMode, durationsMs: number[], scenario: Scenario): CalibrationRow[] {
  const analysis = analyze(run.records, run.disruptions, {
    settleMs: scenario.switches.settleMs,
    bucketMs: scenario.analysis.bucketMs,
  });
  return analysis.disruptions.map((d, i) => {
    const truthMs = Math.round((d.events[1].atMs - d.events[0].atMs) * 1000) / 1000;
    const tol = tolerance(truthMs);
    return {
      mode,
      plannedMs: durationsMs[i],
      truthMs,
      errorWindowMs: d.errorWindowMs,
      maxGapMs: d.maxGapMs,
      failedRequests: d.failedRequests,
      withinTolerance: Math.abs(d.errorWindowMs - truthMs) <= tol && Math.abs(d.maxGapMs - truthMs) <= tol,
    };
  });
}
