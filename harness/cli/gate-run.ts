// The gate's run loop: each scenario, each repeat, a fresh stack and its own run directory, as
// npm run scenario runs one; then each scenario's figures judged against its thresholds and the
// baseline. A repeat that cannot be measured ends that scenario's repeats (more would only say so
// again); a signal ends them all, and what was measured is still judged.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { compareBaseline, type BaselineFile } from '../gate/baseline.ts';
import { figuresOf, statistic } from '../gate/figures.ts';
import { scenarioGate, type ScenarioGate } from '../gate/result.ts';
import { evaluateThresholds } from '../gate/thresholds.ts';
import { runPlanned } from '../run/plans.ts';
import { newRunDir, storeRun } from '../run/store.ts';
import type { Scenario } from '../scenario/schema.ts';
import { formatFigure } from '../scenario/thresholds.ts';
import type { GateOptions } from './gate-options.ts';
import type { progressLine } from './progress.ts';
import type { StopOnSignals } from './signals.ts';

type Progress = ReturnType<typeof progressLine>;

export async function runGates(
  options: GateOptions,
  baseline: BaselineFile | null,
  stopped: StopOnSignals,
  progress: Progress,
  log: (line: string) => void,
): Promise<ScenarioGate[]> {
  const { repeat, out, stat } = options;
  const gates: ScenarioGate[] = [];
  for (const scenario of options.scenarios) {
    if (stopped.exitCode !== null) break;
    const repeats: ScenarioGate['repeats'] = [];
    const unmeasured: string[] = [];
    for (let i = 1; i <= repeat && stopped.exitCode === null; i++) {
      const tag = `${scenario.name} repeat ${i}/${repeat}`;
      const result = await measureOnce(scenario, tag, out, stopped.signal, progress);
      progress.clear();
      if ('error' in result) {
        unmeasured.push(`${tag}: ${result.error}`);
        log(`${tag}: could not measure: ${result.error}`);
        break; // the stack or the switch is broken: more repeats would only say so again
      }
      repeats.push(result.repeat);
      const f = result.repeat.figures;
      log(
        `${tag}: ${formatFigure(f.failed[0])} failed (${formatFigure(f.backgroundFailures[0])} background), ` +
          `errorWindow max ${formatFigure(statistic(f.errorWindowMs, 'max'), 'errorWindowMs')}, ` +
          `maxGap max ${formatFigure(statistic(f.maxGapMs, 'max'), 'maxGapMs')}, ${formatFigure(f.okPerSecond[0], 'okPerSecond')}  ${result.repeat.runDir}`,
      );
      if (result.problem) {
        log(`${tag}: could not measure: ${result.problem}`);
        unmeasured.push(`${tag}: ${result.problem} (results in ${result.repeat.runDir})`);
        break;
      }
    }
    if (stopped.exitCode !== null && repeats.length < repeat) unmeasured.push(`stopped by a signal after ${repeats.length} of ${repeat} repeats`);
    const figures = repeats.map((r) => r.figures);
    const entry = baseline?.scenarios[scenario.name];
    const baselinePath = options.baseline.path;
    gates.push(
      scenarioGate({
        scenario: scenario.name,
        knownBad: scenario.expect.knownBad ?? null,
        repeatsPlanned: repeat,
        repeats,
        unmeasured,
        thresholds: evaluateThresholds(scenario.expect, figures),
        baseline:
          entry && baselinePath
            ? { file: baselinePath, comparisons: compareBaseline(entry, figures, options.baseline.tolerance, stat ?? 'median', options.baseline.compare) }
            : null,
      }),
    );
  }
  progress.clear();
  return gates;
}

const PNGS = ['charts/timeline.png', 'charts/worst-switch.png', 'timeline.png'];

type Measured = { repeat: ScenarioGate['repeats'][number]; problem: string | null } | { error: string };

/** One repeat: runScenario + storeRun, as npm run scenario does. Never throws. */
async function measureOnce(scenario: Scenario, tag: string, out: string, signal: AbortSignal, progress: Progress): Promise<Measured> {
  let run;
  try {
    run = await runPlanned(scenario, {
      signal,
      onProgress: (p) =>
        progress.update(
          `${tag}  ${(p.elapsedMs / 1000).toFixed(1)}/${(p.totalMs / 1000).toFixed(0)} s  ` +
            `${p.requests.toLocaleString('en-US')} requests  ${p.failed.toLocaleString('en-US')} failed  ${p.step}`,
        ),
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  let dir: string;
  let report;
  try {
    dir = await newRunDir(out, scenario.name, new Date(run.meta.startedAt));
    report = await storeRun(dir, run);
  } catch (err) {
    return { error: `could not store the run: ${(err as Error).message}` };
  }
  const rel = relative(process.cwd(), dir);
  const runDir = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(dir);
  // The report's PNG charts, where the run directory has them: the timeline and the worst switch.
  const pngs = PNGS.filter((f) => existsSync(join(dir, f))).map((f) => join(runDir, f));
  const problem = run.meta.aborted
    ? 'stopped early'
    : run.meta.error
      ? `the run could not complete: ${run.meta.error}`
      : report.analysis.problems.length
        ? report.analysis.problems.join('; ')
        : null;
  return { repeat: { runDir, figures: figuresOf(report), pngs }, problem };
}
