// A gate's result: per scenario, what was measured, each threshold and baseline check, and the
// verdict with its exit code. Pure: no I/O.
import type { BaselineComparison } from './baseline.ts';
import { summarizeFigures, type FigureSummary, type RepeatFigures } from './figures.ts';
import { type FigureName } from '../scenario/thresholds.ts';
import type { ThresholdResult } from './thresholds.ts';

export interface ScenarioGate {
  scenario: string;
  /** the scenario's note when it is a known-bad reference */
  knownBad: string | null;
  repeatsPlanned: number;
  /** one entry per measured repeat */
  repeats: { runDir: string; figures: RepeatFigures; pngs: string[] }[];
  /** why the harness could not measure this scenario (a repeat that failed to run, a switch that did not take effect) */
  unmeasured: string[];
  figures: Record<FigureName, FigureSummary | null>;
  thresholds: ThresholdResult[];
  /** null: no baseline comparison asked for */
  baseline: { file: string; comparisons: BaselineComparison[] } | null;
}

export type Verdict = 'pass' | 'fail' | 'unmeasured';

export interface GateResult {
  kind: 'downtime-gate';
  version: 1;
  verdict: Verdict;
  exitCode: 0 | 1 | 2;
  scenarios: ScenarioGate[];
  /** baseline files written by --save-baseline; absent when none was asked for */
  saved?: string[];
}

export const EXIT = { pass: 0, fail: 1, unmeasured: 2 } as const;

/**
 * unmeasured (2) beats fail (1) beats pass (0): a run that could not measure is never a pass,
 * and a missing figure counts as could not measure.
 */
export function scenarioVerdict(g: ScenarioGate): Verdict {
  const checks = [...g.thresholds, ...(g.baseline?.comparisons ?? [])];
  if (g.unmeasured.length || g.repeats.length === 0 || checks.some((c) => c.status === 'missing')) return 'unmeasured';
  return checks.some((c) => c.status === 'fail') ? 'fail' : 'pass';
}

export function gateResult(scenarios: ScenarioGate[]): GateResult {
  const verdicts = scenarios.map(scenarioVerdict);
  const verdict: Verdict =
    scenarios.length === 0 || verdicts.includes('unmeasured') ? 'unmeasured' : verdicts.includes('fail') ? 'fail' : 'pass';
  return { kind: 'downtime-gate', version: 1, verdict, exitCode: EXIT[verdict], scenarios };
}

export function scenarioGate(
  init: Pick<ScenarioGate, 'scenario' | 'knownBad' | 'repeatsPlanned' | 'repeats' | 'unmeasured' | 'thresholds' | 'baseline'>,
): ScenarioGate {
  return { ...init, figures: summarizeFigures(init.repeats.map((r) => r.figures)) };
}

/** Every broken or unjudgeable check, one line each, naming figure and limit. */
export function problemsOf(g: ScenarioGate): string[] {
  return [
    ...g.unmeasured.map((m) => `could not measure: ${m}`),
    ...(g.repeats.length === 0 && g.unmeasured.length === 0 ? ['could not measure: no repeat was measured'] : []),
    ...g.thresholds.filter((t) => t.status !== 'pass').map((t) => (t.status === 'fail' ? `threshold broken: ${t.message}` : `not measured: ${t.message}`)),
    ...(g.baseline?.comparisons ?? [])
      .filter((c) => c.status !== 'pass')
      .map((c) => (c.status === 'fail' ? `baseline regression: ${c.message}` : `not measured: ${c.message}`)),
  ];
}
