// npm run study -- [options]: every fix under every traffic shape and client behaviour, ranked.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { writeIndex } from '../report/index-page.ts';
import type { Report } from '../stored/report.ts';
import { renderStudy } from '../report/study-page.ts';
import { runPlanned } from '../run/plans.ts';
import { newRunDir, storeRun } from '../run/store.ts';
import { parseOverride, resolveScenario } from '../scenario/resolve.ts';
import { requireEngine } from '../engine/engine.ts';
import { CLIENTS, cellId, cellsOf, FIXES, QUICK_CLIENT_FIXES, SHAPES, type Cell } from '../study/matrix.ts';
import { buildStudy, fellBehind, type CellRuns } from '../study/results.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { progressLine } from './progress.ts';
import { helpLines, HELP_FLAG, jsonFlag, parserOptions, type Flags } from './flags.ts';
import { SCENARIO_FLAGS, wholeNumber } from './scenario-options.ts';
import { stopOnSignals } from './signals.ts';

const STUDY_FLAGS = {
  quick: {
    type: 'boolean',
    help: `4 switches per run, 1 repeat, short runs, and the client profiles other
than raw only on ${QUICK_CLIENT_FIXES.join(', ')} (unless --clients names them): a few minutes (for CI)`,
  },
  repeat: { type: 'string', value: '<n>', help: 'repeats per combination (default 3; 1 with --quick)' },
  switches: { type: 'string', value: '<n>', help: "switches per run (default: the scenario's, 10; 4 with --quick)" },
  fixes: { type: 'string', value: '<a,b>', help: `only these fixes (their baselines are added): ${FIXES.map((f) => f.id).join(', ')}` },
  shapes: { type: 'string', value: '<a,b>', help: `only these traffic shapes: ${SHAPES.map((s) => s.id).join(', ')}` },
  clients: {
    type: 'string',
    value: '<a,b>',
    help: `only these client behaviours: ${CLIENTS.map((c) => c.id).join(', ')}
(raw never resends; retrying resends once what failed on a reused
connection before any response byte, as browsers, curl and Go's HTTP
client for GET do, and so k6 and vegeta; post: POST, never resent)`,
  },
  out: { ...SCENARIO_FLAGS.out, help: 'where run directories and the study go (default: reports)' },
  ...jsonFlag('print study.json to stdout instead of the summary'),
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run study -- [options]

Which fix works, and what it costs: runs every fix (a proxy and its settings) under every traffic
shape and client behaviour, each several times with real switches, and writes study.html and
study.json: per combination the failed requests per reload, the worst error window and gap,
throughput and p99 latency against the plain keep-alive baseline of the same proxy, and a
ranked recommendation derived from those figures.

Options:
${helpLines(STUDY_FLAGS, 21)}

Fixes that need the Docker driver (nginx 1.30) are reported as not measured without an engine.
Exit codes: 0 every combination measured; 2 bad input, or a combination that could not be
measured (the page still says what was); 130 after Ctrl-C (what was measured is still written).`;

/** --quick: long enough for 4 switches plus warm-up and cool-down, on either driver. */
const QUICK = { local: '8s', docker: '16s' };

async function main(): Promise<number> {
  const { values } = parseCommandLine({ options: parserOptions(STUDY_FLAGS) });
  if (values.help) return print(HELP);
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter(Boolean);
  const quick = Boolean(values.quick);
  let cells: Cell[];
  try {
    cells = cellsOf({ fixes: list(values.fixes), shapes: list(values.shapes), clients: list(values.clients), quick: quick && !values.clients });
  } catch (err) {
    throw new CannotMeasure(`${(err as Error).message}`);
  }
  const repeat = values.repeat ? wholeNumber('repeat', values.repeat, 1) : quick ? 1 : 3;
  const switches = values.switches ? wholeNumber('switches', values.switches, 1) : quick ? 4 : undefined;
  // Every cell's scenario is resolved before anything runs: a bad combination must not cost the runs before it.
  const scenarios = new Map(
    cells.map((cell) => {
      const sets = [...(cell.fix.set ?? []), ...cell.shape.set, ...cell.client.set];
      if (switches !== undefined) sets.push(`switches.count=${switches}`);
      if (quick) sets.push(`load.durationMs=${cell.fix.needs === 'docker' ? QUICK.docker : QUICK.local}`, 'load.warmupMs=1s', 'load.cooldownMs=2s');
      return [cellId(cell), resolveScenario(cell.fix.scenario, sets.map(parseOverride))];
    }),
  );
  const engine = cells.some((c) => c.fix.needs === 'docker') ? await requireEngine().then(() => true, () => false) : true;

  await mkdir(values.out!, { recursive: true });
  const studyDir = await newRunDir(values.out!, 'study');
  const progress = progressLine();
  const stopped = stopOnSignals(progress, 'ending the current run, stopping its stack, writing what was measured…');
  const results: CellRuns[] = [];
  const total = cells.length * repeat;
  let done = 0;
  for (const cell of cells) {
    const entry: CellRuns = { cell, reports: [], dirs: [] };
    results.push(entry);
    if (cell.fix.needs === 'docker' && !engine) {
      entry.unmeasured = 'no Docker engine (npm run setup -- --with-docker)';
      done += repeat;
      continue;
    }
    const scenario = scenarios.get(cellId(cell))!;
    for (let i = 0; i < repeat && stopped.exitCode === null && !entry.unmeasured; i++) {
      const tag = `[${++done}/${total}] ${cellId(cell)}${repeat > 1 ? ` (repeat ${i + 1}/${repeat})` : ''}`;
      try {
        const run = await runPlanned(scenario, {
          signal: stopped.signal,
          onProgress: (p) => progress.update(`${tag}  ${(p.elapsedMs / 1000).toFixed(1)}/${(p.totalMs / 1000).toFixed(0)} s  ${p.failed.toLocaleString('en-US')} failed  ${p.step}`),
        });
        progress.clear();
        const dir = await newRunDir(values.out!, scenario.name);
        const report: Report = await storeRun(dir, run);
        const behind = fellBehind(run.meta.loadUnsent ?? 0, report.analysis.totals.requests);
        if (run.meta.error || report.analysis.problems.length || behind) {
          entry.unmeasured = run.meta.error ?? (report.analysis.problems.join('; ') || behind!);
        } else if (!run.meta.aborted) {
          entry.reports.push(report);
          entry.dirs.push(relative(studyDir, dir));
        }
        const hidden = report.analysis.totals.hiddenByRetry;
        process.stderr.write(
          `${tag}: ${report.analysis.totals.failed.toLocaleString('en-US')} failed${hidden ? ` (${hidden.toLocaleString('en-US')} more hidden by retry)` : ''} over ${report.analysis.disruptions.length} switches (${dir})\n`,
        );
      } catch (err) {
        progress.clear();
        if (!(err instanceof CannotMeasure)) throw err;
        entry.unmeasured = err.message.split('\n')[0];
        process.stderr.write(`${tag}: not measured: ${err.message}\n`);
      }
    }
  }

  const study = buildStudy(results);
  await writeFile(join(studyDir, 'study.json'), JSON.stringify(study, null, 2));
  await writeFile(join(studyDir, 'study.html'), renderStudy(study));
  await writeIndex(values.out!);
  if (values.json) process.stdout.write(`${JSON.stringify(study)}\n`);
  else {
    for (const r of study.rankings) print(`${r.shape.label}; ${r.client.label}\n${r.recommendation.map((l) => `  ${l}`).join('\n')}`);
    for (const r of study.clients) {
      const seen = Object.entries(r.byClient).map(([client, v]) => `${client} ${v ? `${v.failed}${v.hidden ? ` (+${v.hidden} hidden by retry)` : ''}` : 'not measured'}`);
      print(`failed per reload by client, ${r.fix}/${r.shape}: ${seen.join(', ')}`);
    }
    for (const l of study.limits) print(`limit: ${l}`);
    print(`study: ${relative(process.cwd(), join(studyDir, 'study.html')) || studyDir}`);
  }
  if (stopped.exitCode !== null) return stopped.exitCode;
  const missing = study.cells.filter((c) => c.unmeasured);
  if (missing.length) throw new CannotMeasure(`not measured: ${missing.map((c) => `${c.id} (${c.unmeasured})`).join('; ')}`);
  return 0;
}

main().then((code) => process.exit(code), exitOnError);
