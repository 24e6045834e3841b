// Calibration: the meter against outages whose length is known because the harness made them
// (docs/MEASUREMENT.md, "Calibration"). The live app fails for D ms; the measured errorWindowMs and
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
  /**
   * How far below and above the truth the path between the load and the app may put
   * errorWindow, bounded from the records by causality alone (edgeAllowance); null when no
   * request failed, or no success came before or after the outage to bound an edge.
   */
  pathAllowance: { belowMs: number; aboveMs: number } | null;
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)} ms`;

/** How far errorWindow may lie from the truth, ms: the tolerance plus what the path may have moved it; null when unbounded. */
export function errorWindowBounds(r: CalibrationRow): { lowMs: number; highMs: number } | null {
  if (!r.pathAllowance) return null;
  return { lowMs: -tolerance(r.truthMs) - r.pathAllowance.belowMs, highMs: tolerance(r.truthMs) + r.pathAllowance.aboveMs };
}

/** errorWindow outside the tolerance alone, but inside what the path explains. */
const movedByPath = (r: CalibrationRow) => {
  const off = r.errorWindowMs - r.truthMs;
  const bounds = errorWindowBounds(r);
  return Math.abs(off) > tolerance(r.truthMs) && bounds !== null && off >= bounds.lowMs && off <= bounds.highMs;
};

/** The path allowance as the table and the verdict print it: −below/+above ms. */
export const pathText = (r: CalibrationRow) => (r.pathAllowance ? `−${r.pathAllowance.belowMs.toFixed(2)}/+${r.pathAllowance.aboveMs.toFixed(2)} ms` : 'n/a');

/** The sentence that goes with calibrate's exit code: all within tolerance, or which were not and by how much. */
export function calibrationVerdict(rows: CalibrationRow[]): string {
  const out = rows.filter((r) => !r.withinTolerance);
  if (out.length === 0) return `calibrate: all ${rows.length} outages measured within the tolerance max(2 ms, 5 %) (exit 0)`;
  const which = out.map(
    (r) =>
      `${r.mode} ${r.plannedMs} ms (errorWindow ${signed(r.errorWindowMs - r.truthMs)}, maxGap ${signed(r.maxGapMs - r.truthMs)}, tolerance ±${tolerance(r.truthMs).toFixed(2)} ms` +
      `${movedByPath(r) ? `; errorWindow within the path's bounds ${pathText(r)}, so the path, not the meter, moved it` : ''})`,
  );
  return (
    `calibrate: ${out.length} of ${rows.length} outages measured outside the tolerance max(2 ms, 5 %): ${which.join('; ')} (exit 1). ` +
    "At 20–50 ms the bound is about one request's latency under load: rerun on a quieter machine; docs/MEASUREMENT.md says how the meter is checked."
  );
}

export interface Calibration {
  run: RunOutput;
  rows: CalibrationRow[];
  /**
   * failures whose request overlapped no outage at all: the baseline must be clean for the rows
   * to count. (A request already in flight when an outage began is a background failure by
   * docs/MEASUREMENT.md's start-based attribution, but the outage did cause it.)
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
  return { run, rows: evaluate(analysis, run.records, mode, durationsMs), unrelatedFailures: unrelatedFailures(run.records, analysis) };
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

export function evaluate(analysis: Analysis, records: RecordSet, mode: OutageMode, durationsMs: number[]): CalibrationRow[] {
  return analysis.disruptions.map((d, i) => {
    const at = (name: string) => d.events.find((e) => e.name === name)!.atMs;
    const truthMs = Math.round((at('outage-end') - at('outage-start')) * 1000) / 1000;
    const us = (msSinceStart: number) => msSinceStart * 1000;
    const tol = tolerance(truthMs);
    return {
      mode,
      plannedMs: durationsMs[i],
      truthMs,
      errorWindowMs: d.errorWindowMs,
      maxGapMs: d.maxGapMs,
      failedRequests: d.failedRequests,
      withinTolerance: Math.abs(d.errorWindowMs - truthMs) <= tol && Math.abs(d.maxGapMs - truthMs) <= tol,
      pathAllowance: edgeAllowance(records, { fromUs: us(d.horizon.fromMs), toUs: us(d.horizon.toMs) }, { startUs: us(at('outage-start')), endUs: us(at('outage-end')) }),
    };
  });
}

/**
 * errorWindow runs between the starts of the first and last failures, as the load sent them; the
 * app's truth [s, e] is when requests reached it. The path between (the proxy's queue, a resend
 * of a request whose kept-alive upstream connection was reset) moves each edge by a delay the
 * load cannot see, but the records bound it, given only that a request reaches the app after its
 * start and before its end, and fails exactly when it reaches the app within [s, e]:
 * - above: the first failure F went out at most its own latency before s (s − start_F ≤ latency_F);
 * - below: at the end, every success sent after the last failure L (and after s) reached the app
 *   after e, so e − start_L ≤ (the earliest end among them) − start_L; at the start, every
 *   success that ended before e reached the app before s, so start_F − s < start_F − (the latest
 *   start among them).
 * A meter that stamped a start or end on the wrong side of the app's clock, or called a failure
 * a success, breaks these bounds; a slow path alone does not.
 */
export function edgeAllowance(
  r: RecordSet,
  horizon: { fromUs: number; toUs: number },
  outage: { startUs: number; endUs: number },
): { belowMs: number; aboveMs: number } | null {
  let first = -1;
  let last = -1;
  for (let i = 0; i < r.count; i++) {
    if (r.outcome[i] === OUTCOME.ok || r.start[i] < horizon.fromUs || r.start[i] > horizon.toUs) continue;
    if (first < 0 || r.start[i] < r.start[first]) first = i;
    if (last < 0 || r.start[i] > r.start[last]) last = i;
  }
  if (first < 0) return null;
  let earliestEndAfter = Number.POSITIVE_INFINITY;
  let latestStartBefore = Number.NEGATIVE_INFINITY;
  const sentAfter = Math.max(r.start[last], outage.startUs);
  // Any success in the run will do: it reached the app outside every outage.
  for (let i = 0; i < r.count; i++) {
    if (r.outcome[i] !== OUTCOME.ok) continue;
    if (r.start[i] > sentAfter) earliestEndAfter = Math.min(earliestEndAfter, r.end[i]);
    if (r.end[i] < outage.endUs) latestStartBefore = Math.max(latestStartBefore, r.start[i]);
  }
  // With no success on one side of the outage nothing bounds that edge.
  if (!Number.isFinite(earliestEndAfter) || !Number.isFinite(latestStartBefore)) return null;
  const endEdge = earliestEndAfter - r.start[last];
  const startEdge = Math.max(0, r.start[first] - latestStartBefore);
  return { belowMs: (endEdge + startEdge) / 1000, aboveMs: (r.end[first] - r.start[first]) / 1000 };
}
