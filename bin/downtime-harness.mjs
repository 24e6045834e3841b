#!/usr/bin/env node
// downtime-harness <command> [arguments and flags]: every npm script as one command, where flags
// need no `--` (npm run keeps flags before `--` for itself). Runs the same entry points as the
// npm scripts, with tsx's hooks registered here instead of `node --import tsx`.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

/** @type {Record<string, [string, string]>} */
const COMMANDS = {
  scenario: ['harness/cli/scenario.ts', 'run one scenario against a real nginx and report it'],
  gate: ['harness/cli/gate.ts', 'CI gate: thresholds and baselines, exit 0/1/2'],
  compare: ['harness/cli/compare.ts', 'run or load several scenarios and compare them'],
  report: ['harness/cli/report.ts', 're-analyse a stored run directory'],
  reports: ['harness/cli/reports.ts', 'rebuild reports/index.html and serve reports/ on 127.0.0.1'],
  calibrate: ['harness/cli/calibrate.ts', 'check the meter against injected outages'],
  measure: ['harness/cli/measure.ts', 'measure a running system the harness did not start'],
  images: ['harness/cli/images.ts', 'build the Docker driver\'s images'],
  study: ['harness/cli/study.ts', 'which fix works: every fix, ranked by what clients saw and what it costs'],
  soak: ['scripts/soak.ts', 'a long run at top rate, its memory watched'],
  bench: ['scripts/bench.ts', 'our load generator beside autocannon and wrk'],
  setup: ['scripts/setup.mjs', 'install what the system lacks (nginx, build packages), then npm ci'],
};

const HELP = `Usage: downtime-harness <command> [arguments and flags]
       (from the repository: npx downtime-harness <command> …, or npm run <command> -- …)

Commands:
${Object.entries(COMMANDS)
  .map(([name, [, what]]) => `  ${name.padEnd(10)} ${what}`)
  .join('\n')}

Every command has --help. Durations everywhere take 500ms, 2s or 1.5m; a bare number is
milliseconds.`;

const [command, ...rest] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(`${HELP}\n`);
  process.exit(command ? 0 : 2);
}
const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (!entry) {
  process.stderr.write(`error: unknown command "${command}"\n\n${HELP}\n`);
  process.exit(2);
}
const script = fileURLToPath(new URL(`../${entry[0]}`, import.meta.url));
// The command reads its own arguments from process.argv, as when npm runs it.
process.argv = [process.argv[0], script, ...rest];
register();
await import(script);
