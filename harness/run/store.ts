// A run directory: the inputs that make a run re-analysable (run.json + records.bin), the
// figures (report.json), the proxy configuration actually used, and the human views.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { CannotMeasure } from '../errors.ts';
import { makeDirs, writeFileAtomic } from '../files.ts';
import { writeIndex } from '../report/index-page.ts';
import { join } from 'node:path';
import type { AgentFacts } from '../records/agent-facts.ts';
import { analyzeAgents } from '../analysis/agents.ts';
import { analyze } from '../analysis/analyze.ts';
import type { Disruption } from '../analysis/types.ts';
import { readRecords, writeRecords } from '../records/file.ts';
import type { HiddenFailure, LoadStall, RecordSet } from '../records/records.ts';
import { zoomWindows } from '../report/chart-data.ts';
import { latencySpec, timelineSpec, zoomSpec } from '../report/charts.ts';
import { renderHtml, worstSwitch } from '../report/html.ts';
import { PNG_SIZE, pngUnavailable, writePngs } from '../report/png.ts';
import { buildReport, SCHEMA_VERSION, type Report } from '../stored/report.ts';
import { formatSummary } from '../report/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunOutput } from './run.ts';
import { parseRunFile, type RunFile } from '../stored/files.ts';


/** reports/20261124-221500-keepalive-60s, named by the run's start (as its pages show it), with -2, -3 … if taken */
export async function newRunDir(root: string, scenario: string, date = new Date()): Promise<string> {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  await makeDirs(root);
  // mkdir itself is the claim: two runs started in the same second into one --out (two
  // processes) each get a directory of their own, with no window between a check and the make.
  for (let i = 1; ; i++) {
    const dir = join(root, `${stamp}-${scenario}${i > 1 ? `-${i}` : ''}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Writes the raw run, analyses it and writes every view; returns the report. */
export async function storeRun(dir: string, run: RunOutput): Promise<Report> {
  const runFile: RunFile = {
    schemaVersion: SCHEMA_VERSION,
    meta: run.meta,
    scenario: run.scenario,
    disruptions: run.disruptions,
    loadStalls: run.loadStalls,
    hiddenFailures: run.hiddenFailures,
  };
  await writeRecords(join(dir, 'records.bin'), run.records);
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(runFile, null, 2));
  for (const [name, text] of Object.entries(run.proxyFiles)) await writeFileAtomic(join(dir, name), text);
  return writeReport(dir, runFile, run.records, run.proxyFiles);
}

/**
 * A new run directory under `out`, the run stored in it, and out's index rewritten. If that
 * cannot be written (a full disk, say), `show` gets the report from memory, so what was measured
 * is still seen, and the failure is a CannotMeasure that names it.
 */
export async function storeRunIn(out: string, run: RunOutput, show: (report: Report) => void): Promise<{ dir: string; report: Report }> {
  let dir = out;
  try {
    dir = await newRunDir(out, run.scenario.name, new Date(run.meta.startedAt));
    const report = await storeRun(dir, run);
    await writeIndex(out);
    return { dir, report };
  } catch (err) {
    show(buildReport(run.meta, run.scenario, analyzeRun(run.records, run.disruptions, run.scenario, run.loadStalls, run.hiddenFailures, run.meta.agents)));
    const e = err as NodeJS.ErrnoException;
    throw new CannotMeasure(`could not write the results to ${dir} (${e.code ?? e.message}); what was measured is shown above`);
  }
}

/** The analysis with the scenario's own settings; with agents, each agent's figures too. */
export function analyzeRun(
  records: RecordSet,
  disruptions: Disruption[],
  scenario: Scenario,
  stalls: LoadStall[] = [],
  hidden: HiddenFailure[] = [],
  agents?: AgentFacts[],
) {
  const options = { settleMs: scenario.switches.settleMs, bucketMs: scenario.analysis.bucketMs, warmupMs: scenario.load.warmupMs };
  const analysis = analyze(records, disruptions, options, stalls, hidden);
  return agents?.length ? { ...analysis, agents: analyzeAgents(records, disruptions, options, agents) } : analysis;
}

/**
 * Re-analyses a stored run from its records and rewrites report.json, summary.txt, report.html
 * and charts/*.png (the zoomed per-switch views are built from the records here).
 */
export async function reportRun(dir: string): Promise<Report> {
  const runFile = parseRunFile(await readFile(join(dir, 'run.json'), 'utf8'), join(dir, 'run.json'));
  const records = await readRecords(join(dir, 'records.bin'));
  const proxyFiles: Record<string, string> = {};
  const stored = (await readdir(dir)).filter((name) => name.startsWith('yours-'));
  for (const name of ['nginx.conf', 'service-url.inc', 'nginx-changes.txt', ...stored]) {
    if (existsSync(join(dir, name))) proxyFiles[name] = await readFile(join(dir, name), 'utf8');
  }
  return writeReport(dir, runFile, records, proxyFiles);
}

/** Analyses a run and writes every view of it into dir. */
async function writeReport(dir: string, runFile: RunFile, records: RecordSet, proxyFiles: Record<string, string>): Promise<Report> {
  const analysis = analyzeRun(records, runFile.disruptions, runFile.scenario, runFile.loadStalls, runFile.hiddenFailures, runFile.meta.agents);
  const report = buildReport(runFile.meta, runFile.scenario, analysis);
  const zooms = zoomWindows(records, analysis.disruptions);
  await writeFileAtomic(join(dir, 'report.json'), JSON.stringify(report));
  await writeFileAtomic(join(dir, 'summary.txt'), `${formatSummary(report)}\n`);
  const pngs = await writeRunPngs(dir, report, zooms);
  await writeFileAtomic(join(dir, 'report.html'), await renderHtml(report, { zooms, proxyFiles, pngs }));
  return report;
}

/**
 * charts/timeline.png, charts/latency.png, charts/switch-NN.png per switch and
 * charts/worst-switch.png: the report's own chart specs. Returns the files (relative to dir).
 */
async function writeRunPngs(dir: string, report: Report, zooms: ReturnType<typeof zoomWindows>): Promise<string[]> {
  const why = await pngUnavailable();
  if (why) {
    process.stderr.write(`${why}\n`);
    return [];
  }
  const worst = worstSwitch(report.analysis.disruptions);
  const worstZoom = worst ? zooms[report.analysis.disruptions.indexOf(worst)] : undefined;
  const written = await writePngs(join(dir, 'charts'), [
    { name: 'timeline', spec: timelineSpec(report), size: PNG_SIZE.timeline },
    { name: 'latency', spec: latencySpec(report), size: PNG_SIZE.latency },
    ...(worstZoom ? [{ name: 'worst-switch', spec: zoomSpec(worstZoom), size: PNG_SIZE.zoom }] : []),
    ...zooms.map((w, i) => ({ name: `switch-${String(i + 1).padStart(2, '0')}`, spec: zoomSpec(w), size: PNG_SIZE.zoom })),
  ]);
  return written.map((f) => `charts/${f}`);
}
