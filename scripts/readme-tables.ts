// npm run readme-tables -- [--only scenarios,docker,study,clients,calibration,bench] [--note <text>]: runs the
// commands behind the measured tables, exactly as a user would, and rewrites the marked sections
// with what they printed, naming the machine, the date and the command. Each section is rewritten
// in the file that holds its markers: README.md or a page in docs/.
// It takes a few minutes (every scenario at its defaults, the calibration, the benchmark).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from '../harness/cli/flags.ts';
import { CannotMeasure } from '../harness/errors.ts';
import { calibrationTable, clientsTable, locateSections, machineOf, provenance, replaceSection, scenarioTable, SECTIONS, studyTable } from '../harness/report/readme-tables.ts';
import type { Report } from '../harness/stored/report.ts';
import type { CalibrationRow } from '../harness/run/calibration.ts';
import { scenarioNames } from '../harness/scenario/resolve.ts';
import { nginxImage, SUITES } from '../harness/engine/images.ts';
import type { Study } from '../harness/study/results.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * The client profiles' table: the seed's nginx, each profile, 3 repeats of full-length runs (5 s
 * between switches: --quick's 1.25 s leaves a busy machine too little time after a switch to see
 * it take effect).
 */
const CLIENTS_ARGS = ['--fixes', 'nginx', '--clients', 'raw,retrying,post', '--switches', '4', '--repeat', '3'];
/** The Docker rows: the seed's scenario on each suite's nginx, its fix, and nginx 1.30's own fix. */
const DOCKER_RUNS: { name: string; args: string[] }[] = [
  ...SUITES.map((suite) => ({ name: 'keepalive-60s', args: ['--driver', 'docker', '--set', `proxy.image=${nginxImage(suite)}`] })),
  { name: 'connection-close', args: ['--driver', 'docker'] },
  { name: 'keepalive-min-timeout', args: [] },
];
const README_TABLES_FLAGS = {
  only: { type: 'string', value: '<list>', help: `sections to regenerate, comma-separated (default: ${SECTIONS.join(',')})` },
  note: { type: 'string', default: '', value: '<text>', help: 'a sentence added to every regenerated table (e.g. what else the machine ran)' },
  files: { type: 'string', value: '<list>', help: 'the files to look in, comma-separated (default: README.md and docs/*.md)' },
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run readme-tables -- [options]

Runs the commands behind the measured tables and rewrites the sections between
<!-- measured:NAME --> and <!-- /measured:NAME --> with their output, each naming the machine,
the date and the exact command. Each section is rewritten in the one file that holds its
markers. Takes a few minutes; run it on a quiet machine.

${helpLines(README_TABLES_FLAGS, 17)}`;

/** README.md and every page in docs/. */
const defaultFiles = () => [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join(ROOT, 'docs', f))];

/** Runs a command the way npm runs its script (node --import tsx …), with no progress line. */
function spawnCommand(script: string, args: string[]) {
  process.stderr.write(`running: ${script} ${args.join(' ')}\n`);
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 256 * 1024 * 1024 });
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

function run(script: string, args: string[]): string {
  const r = spawnCommand(script, args);
  // calibrate exits 1 when an outage falls outside the tolerance: that is a result, shown as "out"
  if (r.status !== 0 && !(script.endsWith('calibrate.ts') && r.status === 1)) {
    throw new CannotMeasure(`${script} ${args.join(' ')} exited ${r.status}: ${lastLine(r.stderr)}`);
  }
  return r.stdout;
}

async function main(): Promise<number> {
  const { values } = parseCommandLine({ options: parserOptions(README_TABLES_FLAGS) });
  if (values.help) return print(HELP);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  const unknown = only.find((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown) throw new CannotMeasure(`--only: unknown section "${unknown}" (known: ${SECTIONS.join(', ')})`);
  const paths = values.files ? values.files.split(',').map((f) => join(process.cwd(), f.trim())) : defaultFiles();
  const texts: Record<string, string> = Object.fromEntries(paths.map((p) => [relative(ROOT, p), readFileSync(p, 'utf8')]));
  // every section is found, in one file only, before minutes are spent
  let where: Record<string, string>;
  try {
    where = locateSections(texts, only);
  } catch (e) {
    throw new CannotMeasure((e as Error).message);
  }
  const write = (section: string, body: string) => {
    texts[where[section]] = replaceSection(texts[where[section]], section, body);
  };
  const today = new Date().toISOString();
  const out = mkdtempSync(join(tmpdir(), 'downtime-readme-tables-'));
  let machine = `${cpus().length} cpu (${cpus()[0]?.model ?? 'unknown'}), ${platform()} ${release()}, Node ${process.version}`;
  try {
    if (only.includes('scenarios')) {
      // A scenario this machine cannot run (no Docker image, no HAProxy) gets a row saying why.
      const results = scenarioNames().map((name) => {
        const r = spawnCommand('harness/cli/scenario.ts', [name, '--json', '--out', out]);
        return r.status === 0 ? (JSON.parse(r.stdout) as Report) : { name, reason: lastLine(r.stderr).replace(/^error: /, '') };
      });
      const reports = results.filter((r): r is Report => 'analysis' in r);
      if (reports.length === 0) throw new CannotMeasure(`no scenario could run here: ${(results[0] as { reason: string }).reason}`);
      machine = machineOf(reports[0]);
      const head = provenance('One run of each scenario at its defaults, one after the other', today, machine, 'npm run scenario -- <name> --json', values.note);
      write('scenarios', `${head}\n\n${scenarioTable(results)}`);
    }
    if (only.includes('docker')) {
      const reports = DOCKER_RUNS.map((r) => JSON.parse(run('harness/cli/scenario.ts', [r.name, ...r.args, '--json', '--out', out])) as Report);
      const commands = DOCKER_RUNS.map((r) => `npm run scenario -- ${[r.name, ...r.args].join(' ')}`).join('`, `');
      const head = provenance('One run of each, at the scenario\'s defaults, in containers', today, machine, commands, values.note);
      write('docker', `${head}\n\n${scenarioTable(reports)}`);
    }
    if (only.includes('study')) {
      const study = JSON.parse(run('harness/cli/study.ts', ['--quick', '--repeat', '3', '--json', '--out', out])) as Study;
      const head = provenance('Every fix, 3 repeats of 4 switches each', today, machine, 'npm run study -- --quick --repeat 3', values.note);
      write('study', `${head}\n\n${studyTable(study)}`);
    }
    if (only.includes('clients')) {
      // A cell this machine could not measure (a busy machine's switch that did not take effect) is shown as such.
      const r = spawnCommand('harness/cli/study.ts', [...CLIENTS_ARGS, '--json', '--out', out]);
      if (r.status !== 0 && !(r.status === 2 && r.stdout.trim())) throw new CannotMeasure(`study ${CLIENTS_ARGS.join(' ')} exited ${r.status}: ${lastLine(r.stderr)}`);
      const study = JSON.parse(r.stdout) as Study;
      const head = provenance('Plain keep-alive on nginx, each client profile, 3 repeats of 4 switches each', today, machine, `npm run study -- ${CLIENTS_ARGS.join(' ')}`, values.note);
      const missing = study.cells.filter((c) => c.unmeasured).map((c) => `\n- ${c.id}: ${c.repeats} of 3 repeats measured; then ${c.unmeasured}`);
      write(
        'clients',
        `${head}\n\nFailed requests per reload users saw (median over the repeats), and in brackets what the retry hid:\n\n${clientsTable(study)}\n${missing.join('')}`,
      );
    }
    if (only.includes('calibration')) {
      const rows = JSON.parse(run('harness/cli/calibrate.ts', ['--json'])) as CalibrationRow[];
      const head = provenance('Measured against injected outages (Δ = measured − truth)', today, machine, 'npm run calibrate -- --json', values.note);
      write('calibration', `${head}\n\n${calibrationTable(rows)}`);
    }
    if (only.includes('bench')) {
      const table = run('scripts/bench.ts', []);
      const head = provenance('Each tool in turn', today, machine, 'npm run bench', values.note);
      write('bench', `${head}\n\n${table.trim()}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  for (const file of new Set(only.map((section) => where[section]))) {
    writeFileSync(join(ROOT, file), texts[file]);
    process.stderr.write(`rewrote ${only.filter((section) => where[section] === file).join(', ')} in ${file}\n`);
  }
  return 0;
}

main().then((code) => process.exit(code), exitOnError);
