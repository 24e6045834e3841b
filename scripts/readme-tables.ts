// npm run readme-tables -- [--only scenarios,docker,study,clients,calibration,bench] [--note <text>]: runs the
// commands behind the README's measured tables, exactly as a user would, and rewrites the marked
// sections of README.md with what they printed, naming the machine, the date and the command.
// It takes a few minutes (every scenario at its defaults, the calibration, the benchmark).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { CannotMeasure } from '../harness/errors.ts';
import { calibrationTable, clientsTable, machineOf, provenance, replaceSection, scenarioTable, studyTable } from '../harness/report/readme-tables.ts';
import type { Report } from '../harness/report/report.ts';
import type { CalibrationRow } from '../harness/run/calibration.ts';
import { scenarioNames } from '../harness/scenario/resolve.ts';
import { nginxImage, SUITES } from '../harness/stack/docker/images.ts';
import type { Study } from '../harness/study/results.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTIONS = ['scenarios', 'docker', 'study', 'clients', 'calibration', 'bench'] as const;
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
const HELP = `Usage: npm run readme-tables -- [options]

Runs the commands behind README.md's measured tables and rewrites the sections between
<!-- measured:NAME --> and <!-- /measured:NAME --> with their output, each naming the machine,
the date and the exact command. Takes a few minutes; run it on a quiet machine.

  --only <list>    sections to regenerate, comma-separated (default: ${SECTIONS.join(',')})
  --note <text>    a sentence added to every regenerated table (e.g. what else the machine ran)
  --readme <file>  the file to rewrite (default: README.md)
  -h, --help       this text`;

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
  const { values } = parseCommandLine({
    options: { only: { type: 'string' }, note: { type: 'string', default: '' }, readme: { type: 'string', default: join(ROOT, 'README.md') }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return print(HELP);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  const unknown = only.find((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown) throw new CannotMeasure(`--only: unknown section "${unknown}" (known: ${SECTIONS.join(', ')})`);
  let readme = readFileSync(values.readme!, 'utf8');
  for (const s of only) replaceSection(readme, s, ''); // every section exists before minutes are spent
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
      readme = replaceSection(readme, 'scenarios', `${head}\n\n${scenarioTable(results)}`);
    }
    if (only.includes('docker')) {
      const reports = DOCKER_RUNS.map((r) => JSON.parse(run('harness/cli/scenario.ts', [r.name, ...r.args, '--json', '--out', out])) as Report);
      const commands = DOCKER_RUNS.map((r) => `npm run scenario -- ${[r.name, ...r.args].join(' ')}`).join('`, `');
      const head = provenance('One run of each, at the scenario\'s defaults, in containers', today, machine, commands, values.note);
      readme = replaceSection(readme, 'docker', `${head}\n\n${scenarioTable(reports)}`);
    }
    if (only.includes('study')) {
      const study = JSON.parse(run('harness/cli/study.ts', ['--quick', '--repeat', '3', '--json', '--out', out])) as Study;
      const head = provenance('Every fix, 3 repeats of 4 switches each', today, machine, 'npm run study -- --quick --repeat 3', values.note);
      readme = replaceSection(readme, 'study', `${head}\n\n${studyTable(study)}`);
    }
    if (only.includes('clients')) {
      // A cell this machine could not measure (a busy machine's switch that did not take effect) is shown as such.
      const r = spawnCommand('harness/cli/study.ts', [...CLIENTS_ARGS, '--json', '--out', out]);
      if (r.status !== 0 && !(r.status === 2 && r.stdout.trim())) throw new CannotMeasure(`study ${CLIENTS_ARGS.join(' ')} exited ${r.status}: ${lastLine(r.stderr)}`);
      const study = JSON.parse(r.stdout) as Study;
      const head = provenance('Plain keep-alive on nginx, each client profile, 3 repeats of 4 switches each', today, machine, `npm run study -- ${CLIENTS_ARGS.join(' ')}`, values.note);
      const missing = study.cells.filter((c) => c.unmeasured).map((c) => `\n- ${c.id}: ${c.repeats} of 3 repeats measured; then ${c.unmeasured}`);
      readme = replaceSection(
        readme,
        'clients',
        `${head}\n\nFailed requests per reload users saw (median over the repeats), and in brackets what the retry hid:\n\n${clientsTable(study)}\n${missing.join('')}`,
      );
    }
    if (only.includes('calibration')) {
      const rows = JSON.parse(run('harness/cli/calibrate.ts', ['--json'])) as CalibrationRow[];
      const head = provenance('Measured against injected outages (Δ = measured − truth)', today, machine, 'npm run calibrate -- --json', values.note);
      readme = replaceSection(readme, 'calibration', `${head}\n\n${calibrationTable(rows)}`);
    }
    if (only.includes('bench')) {
      const table = run('scripts/bench.ts', []);
      const head = provenance('Each tool in turn', today, machine, 'npm run bench', values.note);
      readme = replaceSection(readme, 'bench', `${head}\n\n${table.trim()}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  writeFileSync(values.readme!, readme);
  process.stderr.write(`rewrote ${only.join(', ')} in ${values.readme}\n`);
  return 0;
}

main().then((code) => process.exit(code), exitOnError);
