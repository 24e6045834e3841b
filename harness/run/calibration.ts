// Calibration: the meter against outages whose length is known because the harness made them
// (MEASUREMENT.md, "Calibration"). The live app fails for D ms; the measured errorWindowMs and
// maxGapMs must match D within max(2 ms, 5 %).
import type { Analysis } from '../analysis/types.ts';
import { OUTCOME, type RecordSet } from '../records/records.ts';
import { resolveScenario, type Override } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { startStack } from '../stack/drivers.ts';
import { outageAction, type OutageMode } from './plans.ts';
import { runScenario, type RunHooks, type RunOutput } from './run.ts';
import { analyzeRun } from './store.ts';

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

export interface Calibration {
  run: RunOutput;
  rows: CalibrationRow[];
  /**
   * failures whose request overlapped no outage at all: the baseline must be clean for the rows
   * to count. (A request already in flight when an outage began is a background failure by
   * MEASUREMENT.md's start-based attribution, but the outage did cause it.)
   */
  unrelatedFailures: number;
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

export async function calibrate(mode: OutageMode, durationsMs: number[], overrides: Override[] = [], hooks: RunHooks = {}): Promise<Calibration> {
  const scenario = calibrationScenario(durationsMs, overrides);
  let due = WARMUP_MS;
  const plan = durationsMs.map((d) => {
    const action = outageAction(due, mode, d);
    due += d + SPACING_MS;
    return action;
  });
  const run = await runScenario(scenario, startStack, plan, hooks);
  const analysis = analyzeRun(run.records, run.disruptions, scenario);
  return { run, rows: evaluate(analysis, mode, durationsMs), unrelatedFailures: unrelatedFailures(run.records, analysis) };
}

function unrelatedFailures(records: RecordSet, analysis: Analysis): number {
  const horizons = analysis.disruptions.map((d) => ({ from: d.horizon.fromMs * 1000, to: d.horizon.toMs * 1000 }));
  let count = 0;
  for (let i = 0; i < records.count; i++) {
    if (records.outcome[i] === OUTCOME.ok) continue;
    if (!horizons.some((h) => records.start[i] <= h.to && records.end[i] >= h.from)) count++;
  }
  return count;
}

export function evaluate(analysis: Analysis, mode: OutageMode, durationsMs: number[]): CalibrationRow[] {
  return analysis.disruptions.map((d, i) => {
    const at = (name: string) => d.events.find((e) => e.name === name)!.atMs;
    const truthMs = Math.round((at('outage-end') - at('outage-start')) * 1000) / 1000;
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
