// How a command that made one run ends: the run stored, shown (the summary, or JSON carrying the
// run directory and the verdict, with the summary on stderr), and the exit code it earned.
import { join, relative } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import type { Report } from '../stored/report.ts';
import { formatSummary } from '../report/summary.ts';
import { runVerdict } from '../report/verdict.ts';
import type { RunOutput } from '../run/run.ts';
import { storeRunIn } from '../run/store.ts';
import { checkWritableDir } from '../files.ts';
import { runPlanned } from '../run/plans.ts';
import type { Scenario } from '../scenario/schema.ts';
import { print } from './command-line.ts';
import { progressLine } from './progress.ts';
import { stopOnSignals } from './signals.ts';

/**
 * One run of `scenario` with a progress line, stopped by Ctrl-C/SIGTERM/SIGHUP (what was
 * measured is still written), then stored and shown: what `scenario` and `measure` do.
 */
export async function runAndShow(scenario: Scenario, out: string, json: boolean, stopping: string): Promise<number> {
  await checkWritableDir(out, '--out');
  const progress = progressLine();
  // stderr, so that --json's stdout stays JSON alone and a redirected run still says it started
  process.stderr.write(`${scenario.name}: ${(scenario.load.durationMs / 1000).toFixed(1)} s of load, ${scenario.switches.count} switch${scenario.switches.count === 1 ? '' : 'es'}…\n`);
  const stopped = stopOnSignals(progress, stopping);
  const run = await runPlanned(scenario, {
    signal: stopped.signal,
    onProgress: (p) =>
      progress.update(
        `${scenario.name}  ${(p.elapsedMs / 1000).toFixed(1)}/${(p.totalMs / 1000).toFixed(0)} s  ` +
          `${p.requests.toLocaleString('en-US')} requests  ${p.failed.toLocaleString('en-US')} failed  ${p.step}`,
      ),
  });
  progress.clear();
  return storeAndShow(out, run, json, stopped.exitCode);
}

/** `stoppedBy`: the exit code of the signal that stopped the run, if one did. */
export async function storeAndShow(out: string, run: RunOutput, json: boolean, stoppedBy: number | null): Promise<number> {
  const show = (report: Report, dir: string | null) => {
    const where = dir ? relative(process.cwd(), join(dir, 'report.html')) || dir : undefined;
    if (!json) return print(formatSummary(report, where));
    process.stdout.write(`${JSON.stringify({ ...report, runDir: dir, verdict: runVerdict(report) })}\n`);
    process.stderr.write(`${formatSummary(report, where)}\n`);
  };
  // A run that cannot be written is still shown, from memory, before the error.
  const { dir, report } = await storeRunIn(out, run, (r) => show(r, null));
  show(report, dir);
  if (stoppedBy !== null) return stoppedBy;
  if (run.meta.error) throw new CannotMeasure(`the run could not complete: ${run.meta.error} (partial results in ${dir})`);
  if (report.analysis.problems.length) throw new CannotMeasure(`${report.analysis.problems.join('; ')} (results in ${dir})`);
  return 0;
}
