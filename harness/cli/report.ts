// npm run report -- <run-dir>: re-analyse a stored run from its records and rewrite its report
// files, without re-running anything (after a change to the analysis or the reporters).
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { writeIndex } from '../report/index-page.ts';
import { formatSummary } from '../report/summary.ts';
import { reportRun } from '../run/store.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { helpLines, HELP_FLAG, jsonFlag, parserOptions, type Flags } from './flags.ts';

const REPORT_FLAGS = {
  ...jsonFlag('print report.json to stdout instead of the summary'),
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run report -- <run-dir> [--json]

Re-analyses a stored run (run.json + records.bin) and re-renders it without re-running: rewrites
report.json, summary.txt, report.html and charts/*.png in that directory (and the index.html of
the directory above, if it has one), then prints the summary (or, with --json, report.json).

Options:
${helpLines(REPORT_FLAGS, 16)}

Exit codes: 0 written; 2 not a run directory, or bad arguments.

Example:
  npm run report -- reports/20261124-221718-keepalive-60s`;

async function main(): Promise<number> {
  const parsed = parseCommandLine({ allowPositionals: true, options: parserOptions(REPORT_FLAGS) });
  const { values, positionals } = parsed;
  if (values.help) return print(HELP);
  if (positionals.length !== 1) throw new CannotMeasure(`name one run directory.\n\n${HELP}`);
  const dir = positionals[0];
  if (!existsSync(dir)) throw new CannotMeasure(`${dir}: no such directory (run directories are under reports/, e.g. ${'reports/20261124-221718-keepalive-60s'})`);
  if (!statSync(dir).isDirectory()) throw new CannotMeasure(`${dir} is a file, not a run directory`);
  for (const file of ['run.json', 'records.bin']) {
    if (!existsSync(join(dir, file))) throw new CannotMeasure(`${dir} is not a run directory: it has no ${file}`);
  }
  const report = await reportRun(dir);
  if (existsSync(join(dirname(dir), 'index.html'))) await writeIndex(dirname(dir));
  process.stdout.write(`${values.json ? JSON.stringify(report) : formatSummary(report, join(dir, 'report.html'))}\n`);
  return 0;
}

main().then((code) => process.exit(code), exitOnError);
