// A run directory: the inputs that make a run re-analysable (run.json + records.bin), the
// figures (report.json), the proxy configuration actually used, and the human views.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyze } from '../analysis/analyze.ts';
import type { Disruption } from '../analysis/types.ts';
import { readRecords, writeRecords } from '../records/file.ts';
import type { RecordSet } from '../records/records.ts';
import { renderHtml } from '../report/html.ts';
import { buildReport, SCHEMA_VERSION, type Report } from '../report/report.ts';
import { formatSummary } from '../report/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { RunMeta, RunOutput } from './run.ts';

interface RunFile {
  schemaVersion: number;
  meta: RunMeta;
  scenario: Scenario;
  disruptions: Disruption[];
}

/** reports/20261124-221500-keepalive-60s (with -2, -3 … if taken) */
export async function newRunDir(root: string, scenario: string, date = new Date()): Promise<string> {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = join(root, `${stamp}-${scenario}`);
  for (let i = 2; existsSync(dir); i++) dir = join(root, `${stamp}-${scenario}-${i}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes the raw run, analyses it and writes every view; returns the report. */
export async function storeRun(dir: string, run: RunOutput): Promise<Report> {
  const runFile: RunFile = { schemaVersion: SCHEMA_VERSION, meta: run.meta, scenario: run.scenario, disruptions: run.disruptions };
  await writeRecords(join(dir, 'records.bin'), run.records);
  await writeFile(join(dir, 'run.json'), JSON.stringify(runFile, null, 2));
  for (const [name, text] of Object.entries(run.proxyFiles)) await writeFile(join(dir, name), text);
  return reportRun(dir);
}

/** The analysis with the scenario's own settings. */
export const analyzeRun = (records: RecordSet, disruptions: Disruption[], scenario: Scenario) =>
  analyze(records, disruptions, {
    settleMs: scenario.switches.settleMs,
    bucketMs: scenario.analysis.bucketMs,
    warmupMs: scenario.load.warmupMs,
  });

/** Re-analyses a stored run from its records and rewrites report.json, summary.txt, report.html. */
export async function reportRun(dir: string): Promise<Report> {
  const runFile = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunFile;
  const records = await readRecords(join(dir, 'records.bin'));
  const analysis = analyzeRun(records, runFile.disruptions, runFile.scenario);
  const report = buildReport(runFile.meta, runFile.scenario, analysis);
  await writeFile(join(dir, 'report.json'), JSON.stringify(report));
  await writeFile(join(dir, 'summary.txt'), `${formatSummary(report)}\n`);
  await writeFile(join(dir, 'report.html'), await renderHtml(report));
  return report;
}
