// npm run compare -- <scenario-or-run> ... : run several scenarios (or load stored runs) and
// write one comparison report, with repeats shown as ranges.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { checkWritableDir, writeFileAtomic } from '../files.ts';
import { buildComparison, groupRuns, renderCompare, type CompareRun } from '../report/compare.ts';
import { writeIndex } from '../report/index-page.ts';
import { count, ms, rate } from '../numbers.ts';
import type { Report } from '../stored/report.ts';
import { runPlanned } from '../run/plans.ts';
import { newRunDir, storeRunIn } from '../run/store.ts';
import { formatSummary } from '../report/summary.ts';
import { parseReport } from '../stored/files.ts';
import { resolveScenario } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { progressLine } from './progress.ts';
import { HELP_FLAG, jsonFlag, type Flags } from './flags.ts';
import { overridesFrom, REPEAT_FLAG, scenarioCommandFlags, wholeNumber } from './scenario-options.ts';
import { stopOnSignals } from './signals.ts';

const OWN_FLAGS = {
  repeat: { ...REPEAT_FLAG.repeat, help: 'runs per scenario (default 1)' },
} as const satisfies Flags;

const END_FLAGS = {
  ...jsonFlag("print compare.json to stdout, with the comparison's directory (dir)"),
  ...HELP_FLAG,
} as const satisfies Flags;

const FLAGS = scenarioCommandFlags(OWN_FLAGS, END_FLAGS, { out: 'where run and comparison directories go (default: reports)' });

const HELP = `Usage: npm run compare -- <scenario-or-run> [<scenario-or-run> ...] [options]

Writes one comparison report (compare.html + compare.json in <out>/<date>-<time>-compare/): a
table and bar charts of failed requests, errorWindowMs, maxGapMs, throughput and p99 latency
per scenario, repeats and switches shown as ranges (min–max) with the median marked.

Each argument is either
  a scenario name        run it now (--repeat times), stored like \`npm run scenario\` runs, or
  a run directory        a stored run (its report.json), e.g. reports/20261124-230130-keepalive-60s
Runs are grouped as repeats only when their effective configuration (every scenario field,
overrides included, and the proxy version) is the same; runs of one scenario with different
settings are shown as separate rows named by what differs, with a warning. At least two runs:
two arguments, or one with --repeat 2 or more.

Options (for the scenarios run now):
${FLAGS.help}

Exit codes: 0 written; 2 could not measure (unknown scenario or directory, bad option, a run
that could not complete or whose switch did not take effect); 130/143/129 stopped by a signal.

Examples:
  npm run compare -- keepalive-60s tuned-3s-1s connection-close
  npm run compare -- workers-1 workers-2 workers-4 --repeat 3 --duration 15s
  npm run compare -- reports/20261124-230130-keepalive-60s reports/20261124-230157-connection-close`;

type Source = { kind: 'run'; dir: string } | { kind: 'scenario'; scenario: Scenario };

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine({ allowPositionals: true, options: FLAGS.options });
  if (values.help) return print(HELP);
  if (positionals.length === 0) throw new CannotMeasure(`name at least one scenario or run directory.\n\n${HELP}`);
  const repeat = wholeNumber('repeat', values.repeat!, 1);
  const overrides = overridesFrom(values);

  // Every argument is checked before anything runs: a typo must not cost the runs before it.
  const sources: Source[] = positionals.map((arg) => {
    if (existsSync(arg)) {
      if (!statSync(arg).isDirectory() || !existsSync(join(arg, 'report.json'))) {
        throw new CannotMeasure(`${arg} is not a run directory: it has no report.json (run \`npm run report -- ${arg}\` if it has records.bin)`);
      }
      return { kind: 'run', dir: arg };
    }
    if (arg.includes('/')) throw new CannotMeasure(`${arg}: no such run directory`);
    return { kind: 'scenario', scenario: resolveScenario(arg, overrides) };
  });

  if (sources.filter((s) => s.kind === 'run').length + sources.filter((s) => s.kind === 'scenario').length * repeat < 2) {
    throw new CannotMeasure(
      `one ${sources[0].kind === 'run' ? 'run' : 'scenario'} is nothing to compare: name two or more scenarios or run directories, or give --repeat <n> to compare repeats` +
        (sources[0].kind === 'run' ? '' : ` (one run alone: npm run scenario -- ${positionals[0]})`),
    );
  }

  await checkWritableDir(values.out!, '--out');
  const progress = progressLine();
  const stopped = stopOnSignals(progress, 'ending the current run, stopping nginx and the apps, writing what was measured…');

  const runs: CompareRun[] = [];
  const add = (run: CompareRun) => runs.push(run);
  const runsNow = sources.filter((s) => s.kind === 'scenario').length * repeat;
  let done = 0;
  for (const source of sources) {
    if (source.kind === 'run') {
      add({ dir: source.dir, report: await loadReport(source.dir) });
      continue;
    }
    for (let i = 0; i < repeat; i++) {
      const scenario = source.scenario;
      const tag = `[${++done}/${runsNow}] ${scenario.name}${repeat > 1 ? ` (repeat ${i + 1}/${repeat})` : ''}`;
      const run = await runPlanned(scenario, {
        signal: stopped.signal,
        onProgress: (p) =>
          progress.update(`${tag}  ${(p.elapsedMs / 1000).toFixed(1)}/${(p.totalMs / 1000).toFixed(0)} s  ${p.requests.toLocaleString('en-US')} requests  ${p.failed.toLocaleString('en-US')} failed  ${p.step}`),
      });
      progress.clear();
      const { dir, report } = await storeRunIn(values.out!, run, (r) => print(formatSummary(r)));
      process.stderr.write(`${tag}: ${report.analysis.totals.failed.toLocaleString('en-US')} failed, ${report.analysis.totals.okPerSecond.toLocaleString('en-US')} ok/s (${dir})\n`);
      if (stopped.exitCode !== null) return stopped.exitCode;
      if (run.meta.error) throw new CannotMeasure(`${scenario.name}: the run could not complete: ${run.meta.error} (partial results in ${dir})`);
      if (report.analysis.problems.length) throw new CannotMeasure(`${scenario.name}: ${report.analysis.problems.join('; ')} (results in ${dir})`);
      add({ dir, report });
    }
  }

  const outDir = await newRunDir(values.out!, 'compare');
  const { groups, warnings } = groupRuns(runs);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const comparison = buildComparison(groups, outDir);
  await writeFileAtomic(join(outDir, 'compare.json'), JSON.stringify(comparison, null, 2));
  await writeFileAtomic(join(outDir, 'compare.html'), renderCompare(comparison));
  await writeIndex(values.out!);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...comparison, dir: outDir })}\n`);
    return 0;
  }
  const rows = [['scenario', 'runs', 'failed/run', 'errorWindow ms max', 'maxGap ms max', 'ok/s median', 'p99 ms median']];
  for (const g of comparison.groups) {
    const f = g.figures;
    rows.push([
      g.label,
      String(g.runs.length),
      f.failed ? (f.failed.min === f.failed.max ? count(f.failed.min) : `${count(f.failed.min)}–${count(f.failed.max)}`) : 'n/a',
      ms(f.errorWindowMs?.max),
      ms(f.maxGapMs?.max),
      rate(f.okPerSecond?.median),
      ms(f.p99LatencyMs?.median),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  process.stdout.write(`${rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n')}\n`);
  process.stdout.write(`comparison: ${relative(process.cwd(), join(outDir, 'compare.html')) || outDir}\n`);
  return 0;
}

async function loadReport(dir: string): Promise<Report> {
  try {
    return parseReport(await readFile(join(dir, 'report.json'), 'utf8'), join(dir, 'report.json'));
  } catch (err) {
    if (err instanceof CannotMeasure) throw err;
    throw new CannotMeasure(`${dir}/report.json cannot be read: ${(err as Error).message}`);
  }
}

main().then((code) => process.exit(code), exitOnError);
