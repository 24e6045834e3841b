// npm run gate -- <scenario…> [options]: a CI regression gate on downtime. Runs each scenario
// (fresh stack per repeat), judges its figures against thresholds and optionally a baseline,
// and exits 0 (every check holds), 1 (a check is broken) or 2 (could not measure).
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { checkWritableDir, makeDirs, writeFileAtomic } from '../files.ts';
import { baselineEntry, compareBaseline, parseBaseline, parseTolerance, withEntry, type BaselineFile, type Tolerance } from '../gate/baseline.ts';
import { figuresOf, statistic } from '../gate/figures.ts';
import { FIGURE_NAMES, formatFigure, type FigureName } from '../scenario/thresholds.ts';
import { junitXml } from '../gate/junit.ts';
import { markdownSummary, textSummary } from '../gate/markdown.ts';
import { gateResult, scenarioGate, type ScenarioGate } from '../gate/result.ts';
import { evaluateThresholds } from '../gate/thresholds.ts';
import { declaresThresholds, THRESHOLDS } from '../scenario/thresholds.ts';
import { runPlanned } from '../run/plans.ts';
import { newRunDir, storeRun } from '../run/store.ts';
import { measureScenario } from '../scenario/measure.ts';
import { resolveScenario, scenarioNames } from '../scenario/resolve.ts';
import { STATS, THRESHOLD_NAMES, type Scenario, type Stat, type ThresholdName } from '../scenario/schema.ts';
import { scenarios as scenarioFiles } from '../../scenarios/index.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { progressLine } from './progress.ts';
import { durationFlag } from '../scenario/schema.ts';
import { MEASURE_OPTIONS, overridesFrom, SCENARIO_OPTIONS, wholeNumber } from './scenario-options.ts';
import { stopOnSignals } from './signals.ts';

/** Command-line flag → threshold, and whether its value is a duration (ms) or a plain number. */
const FLAGS = Object.fromEntries(
  THRESHOLD_NAMES.map((name) => [THRESHOLDS[name].flag.slice(2), { name, duration: name.endsWith('Ms') }]),
) as Record<string, { name: ThresholdName; duration: boolean }>;

const HELP = `Usage: npm run gate -- <scenario…> [options]
       npm run gate -- --all [options]

A CI regression gate on downtime. Runs each scenario against a real nginx (a fresh stack for
every repeat; every repeat writes its usual run directory under --out), then judges the figures
against thresholds and, optionally, a stored baseline.

Thresholds (from the scenario's \`expect\`, overridden here; times take 50ms, 0.5s, or 50 = 50 ms):
  --max-failed <n>               failed requests per run
  --min-failed <n>               failed requests per run, at least (a known-bad reference)
  --max-failed-per-switch <n>    failed requests per switch
  --max-error-window <time>      errorWindow per switch
  --max-gap <time>               maxGap per switch
  --max-excess-gap <time>        excessGap per switch (maxGap beyond the steady reference)
  --max-background-failures <n>  failures outside every switch, per run
  --min-throughput <n>           successful requests per second, per run
  --p99-latency <time>           p99 latency of successful requests, per run
  --stat <${STATS.join('|')}>  the statistic for the thresholds given on this command line
                                 (e.g. --max-gap 50ms --stat p95), across every switch and
                                 repeat, and for the baseline comparison (default median).
                                 Without it a threshold takes the worst case (max for an upper
                                 limit, min for a lower one). A scenario's own thresholds keep
                                 theirs: --set expect.maxGapMs.stat=p95 changes one. Every check
                                 names the statistic it used.

Runs:
  --all                          every scenario that declares thresholds
  --repeat <n>                   run each scenario n times (default 1)
  --set <field=value>            override any scenario field, repeatable
                                 (e.g. --set expect.maxGapMs.stat=median --set load.warmupMs=1s)
  --duration <time>, --connections <n>, --switches <n>, --driver <local|docker>, --nginx-conf <file>, --switch-cmd <command>, --app-cmd <command>, --method <m>, --header <h>, --body <text>, --client <raw|retrying|post>, --tls, --http2, --agents <n>, --agents-by <swarm|external>, --coordinator <host:port>   as in npm run scenario
  --out <dir>                    where run directories go (default: reports)
  --url <url>                    gate a system the harness did not start, as npm run measure
                                 does (with --switch-cmd, --switches, --interval, --name)

Baselines:
  --baseline <file>              compare with the figures stored in <file>
  --max-regression <tol>         how much worse a figure may be: 20% (relative) and/or 5
                                 (absolute, in the figure's unit); repeatable; default 20%
  --compare <figures>            compare only these, comma-separated (default: every figure
                                 the baseline has: ${FIGURE_NAMES.join(', ')})
  --save-baseline                store this run's figures instead of comparing, in --baseline
                                 <file> or else <out>/baselines/<scenario>.json

Outputs:
  --junit <file>                 JUnit XML: one test case per scenario × threshold
  --markdown <file>              the Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)
  --json                         the gate's result as JSON on stdout
  --list                         the scenarios and the thresholds they declare
  -h, --help                     this text

Exit codes: 0 every threshold and baseline check holds; 1 one is broken (each named with its
figure and limit); 2 could not measure (bad input, thresholds no run can pass together such as
--max-failed 0 beside the scenario's minFailed 1, a component that would not start, a switch
that did not take effect, a figure that was not measured): never a pass. 130/143/129 after
Ctrl-C/SIGTERM/SIGHUP, with every process stopped.

Examples:
  npm run gate -- tuned-3s-1s --repeat 5 --max-failed 0
  npm run gate -- tuned-3s-1s --baseline reports/baselines/tuned-3s-1s.json --max-regression 20%
  npm run gate -- --all --junit reports/gate.xml`;

async function main(): Promise<number> {
  const args = parseCommandLine({
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      list: { type: 'boolean' },
      repeat: { type: 'string', default: '1' },
      stat: { type: 'string' },
      ...SCENARIO_OPTIONS,
      ...MEASURE_OPTIONS,
      baseline: { type: 'string' },
      'save-baseline': { type: 'boolean' },
      'max-regression': { type: 'string', multiple: true },
      compare: { type: 'string' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  const values = args.values as Record<string, string | string[] | boolean | undefined>;
  const positionals = args.positionals;
  const str = (k: string) => values[k] as string | undefined;
  if (values.help) return print(HELP);
  if (values.list) return print(listGated());

  // Which scenarios, with which overrides: everything is checked before anything runs.
  if ([values.all, positionals.length > 0, values.url].filter(Boolean).length > 1) {
    throw new CannotMeasure('give scenario names, --all or --url, one of them');
  }
  const names = values.all ? scenarioFiles.filter((s) => declaresThresholds(s.expect)).map((s) => s.name) : positionals;
  if (names.length === 0 && !values.url) throw new CannotMeasure(`name a scenario, --all, or --url.\n\n${HELP}`);
  const repeat = wholeNumber('repeat', str('repeat')!, 1);
  const stat = str('stat') as Stat | undefined;
  if (stat !== undefined && !STATS.includes(stat)) throw new CannotMeasure(`--stat ${stat}: expected one of ${STATS.join(', ')}`);

  // With --url, the switch count and command shape the run itself (measureScenario), not an override.
  const { switches, 'switch-cmd': switchCmd, ...rest } = args.values as Parameters<typeof overridesFrom>[0];
  const overrides = overridesFrom(values.url ? rest : { ...rest, switches, 'switch-cmd': switchCmd });
  for (const [flag, { name, duration }] of Object.entries(FLAGS)) {
    const v = str(flag);
    if (v === undefined) continue;
    const limit = duration ? durationFlag(flag, v) : Number(v);
    if (!Number.isFinite(limit) || limit < 0 || v.trim() === '') throw new CannotMeasure(`--${flag} ${v}: expected a number >= 0 (expect.${name})`);
    overrides.push({ path: `expect.${name}.limit`, value: limit });
    if (stat) overrides.push({ path: `expect.${name}.stat`, value: stat });
  }
  const thresholdFlags = Object.keys(FLAGS).filter((flag) => str(flag) !== undefined);
  if (stat && thresholdFlags.length === 0 && !str('baseline')) {
    throw new CannotMeasure(
      `--stat ${stat} applies to the thresholds given on the command line (e.g. --max-gap 50ms --stat ${stat}) and to --baseline; ` +
        `give one, or set a scenario threshold's statistic with --set expect.<threshold>.stat=${stat}`,
    );
  }
  const known = new Set(scenarioNames());
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) resolveScenario(unknown[0]); // throws, listing the known ones
  const measured = str('url')
    ? [
        measureScenario(
          { url: str('url')!, command: switchCmd, switches: switches === undefined ? undefined : wholeNumber('switches', switches, 0), interval: str('interval'), name: str('name') },
          overrides,
        ),
      ]
    : [];
  const scenarios = measured.length ? measured : names.map((name) => {
    try {
      return resolveScenario(name, overrides);
    } catch (err) {
      if (err instanceof CannotMeasure && names.length > 1) throw new CannotMeasure(`${name}: ${err.message}`);
      throw err;
    }
  });

  const save = Boolean(values['save-baseline']);
  const baselinePath = str('baseline');
  const tolerance: Tolerance = { relative: 0.2, absolute: 0 };
  const regression = (values['max-regression'] as string[] | undefined) ?? [];
  if (regression.length) {
    const parts = regression.map(parseTolerance);
    tolerance.relative = parts.find((p) => p.relative !== undefined)?.relative ?? 0;
    tolerance.absolute = parts.find((p) => p.absolute !== undefined)?.absolute ?? 0;
  }
  const compare = str('compare')?.split(',').map((f) => f.trim()) as FigureName[] | undefined;
  const unknownFigure = compare?.find((f) => !FIGURE_NAMES.includes(f));
  if (unknownFigure !== undefined) throw new CannotMeasure(`--compare: unknown figure "${unknownFigure}" (known: ${FIGURE_NAMES.join(', ')})`);
  let baseline: BaselineFile | null = null;
  if (baselinePath && !save) {
    if (!existsSync(baselinePath)) throw new CannotMeasure(`--baseline ${baselinePath}: no such file (store one with --save-baseline)`);
    baseline = parseBaseline(await readFile(baselinePath, 'utf8'), baselinePath);
    const missing = scenarios.filter((s) => !baseline!.scenarios[s.name]);
    if (missing.length) {
      throw new CannotMeasure(
        `--baseline ${baselinePath} has no figures for ${missing.map((s) => s.name).join(', ')} ` +
          `(it has: ${Object.keys(baseline.scenarios).join(', ') || 'none'}); store them with --save-baseline`,
      );
    }
  } else if ((regression.length || compare) && !baselinePath) {
    throw new CannotMeasure(`${regression.length ? '--max-regression' : '--compare'} needs --baseline <file>`);
  }
  for (const s of scenarios) {
    if (!declaresThresholds(s.expect) && !baseline && !save) {
      throw new CannotMeasure(
        `${s.name} declares no thresholds: give one (e.g. --max-failed 0, or --set expect.maxFailed=0), or --baseline <file>, or --save-baseline`,
      );
    }
  }

  await checkWritableDir(str('out')!, '--out');
  for (const flag of ['junit', 'markdown'] as const) if (str(flag)) await checkWritableDir(dirname(str(flag)!), `--${flag}`);

  // Run: each scenario, each repeat, a fresh stack and its own run directory.
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const progress = progressLine();
  const stopped = stopOnSignals(progress, 'ending the load, stopping nginx and the apps, writing what was measured…');
  const gates: ScenarioGate[] = [];
  for (const scenario of scenarios) {
    if (stopped.exitCode !== null) break;
    const repeats: ScenarioGate['repeats'] = [];
    const unmeasured: string[] = [];
    for (let i = 1; i <= repeat && stopped.exitCode === null; i++) {
      const tag = `${scenario.name} repeat ${i}/${repeat}`;
      const result = await measureOnce(scenario, tag, str('out')!, stopped.signal, progress);
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
    gates.push(
      scenarioGate({
        scenario: scenario.name,
        knownBad: scenario.expect.knownBad ?? null,
        repeatsPlanned: repeat,
        repeats,
        unmeasured,
        thresholds: evaluateThresholds(scenario.expect, figures),
        baseline: entry && baselinePath ? { file: baselinePath, comparisons: compareBaseline(entry, figures, tolerance, stat ?? 'median', compare) } : null,
      }),
    );
  }
  progress.clear();
  const result = gateResult(gates);

  if (save) {
    result.saved = [];
    for (const g of gates) {
      if (g.unmeasured.length || g.repeats.length === 0) {
        log(`baseline for ${g.scenario} not saved: it could not be measured`);
        continue;
      }
      const file = baselinePath ?? join(str('out')!, 'baselines', `${g.scenario}.json`);
      const existing = existsSync(file) ? parseBaseline(await readFile(file, 'utf8'), file) : null;
      const entry = baselineEntry(
        g.repeats.map((r) => r.figures),
        g.repeats.map((r) => r.runDir),
        new Date().toISOString(),
      );
      await makeDirs(dirname(file));
      await writeFileAtomic(file, `${JSON.stringify(withEntry(existing, g.scenario, entry), null, 2)}\n`);
      result.saved.push(file);
      log(`baseline for ${g.scenario} saved to ${file}`);
    }
  }

  const markdown = markdownSummary(result);
  if (str('junit')) await writeOut(str('junit')!, junitXml(result));
  if (str('markdown')) await writeOut(str('markdown')!, markdownSummary(result, dirname(str('markdown')!)));
  if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else print(textSummary(result));
  if (result.exitCode !== 0) {
    for (const g of result.scenarios) {
      for (const t of g.thresholds.filter((t) => t.status === 'fail')) process.stderr.write(`gate: ${g.scenario}: threshold broken: ${t.message}\n`);
      for (const c of g.baseline?.comparisons.filter((c) => c.status === 'fail') ?? []) process.stderr.write(`gate: ${g.scenario}: baseline regression: ${c.message}\n`);
      for (const m of g.unmeasured) process.stderr.write(`gate: ${g.scenario}: could not measure: ${m}\n`);
      for (const t of g.thresholds.filter((t) => t.status === 'missing')) process.stderr.write(`gate: ${g.scenario}: not measured: ${t.message}\n`);
    }
  }
  if (stopped.exitCode !== null) return stopped.exitCode;
  return result.exitCode;
}

const PNGS = ['charts/timeline.png', 'charts/worst-switch.png', 'timeline.png'];

type Measured = { repeat: ScenarioGate['repeats'][number]; problem: string | null } | { error: string };

/** One repeat: runScenario + storeRun, as npm run scenario does. Never throws. */
async function measureOnce(
  scenario: Scenario,
  tag: string,
  out: string,
  signal: AbortSignal,
  progress: ReturnType<typeof progressLine>,
): Promise<Measured> {
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

async function writeOut(file: string, text: string): Promise<void> {
  await makeDirs(dirname(file));
  await writeFileAtomic(file, text);
}

function listGated(): string {
  const width = Math.max(...scenarioFiles.map((s) => s.name.length));
  return scenarioFiles
    .map((s) => {
      const expect = (s.expect ?? {}) as Record<string, unknown>;
      const declared = THRESHOLD_NAMES.filter((n) => expect[n] !== undefined).map((n) => `${n}=${JSON.stringify(expect[n])}`);
      return `  ${s.name.padEnd(width)}  ${declared.join(' ') || '(no thresholds)'}${expect.knownBad ? '  [known-bad reference]' : ''}`;
    })
    .join('\n');
}


main().then((code) => process.exit(code), exitOnError);
