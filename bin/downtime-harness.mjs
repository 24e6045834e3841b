#!/usr/bin/env node
// downtime-harness <command> [arguments and flags]: every npm script as one command, where flags
// need no `--` (npm run keeps flags before `--` for itself). Two ways to run:
// - in a clone of the repository (harness/ is there): the TypeScript entry points, as the npm
//   scripts run them, with tsx's hooks registered here instead of `node --import tsx`;
// - installed from the npm package (no harness/, only dist/): the same commands as plain
//   JavaScript bundled by scripts/build.ts, on Node alone. The clone's own tools (setup, bench,
//   soak) are not in the package.
import { existsSync, readFileSync } from 'node:fs';
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
  shape: ['harness/cli/shape.ts', 'the traffic shape of your nginx, from its access logs'],
  soak: ['scripts/soak.ts', 'a long run at top rate, its memory watched'],
  bench: ['scripts/bench.ts', 'our load generator beside autocannon and wrk'],
  setup: ['scripts/setup.mjs', 'install what the system lacks (nginx, build packages), then npm ci'],
  'harness-image': ['scripts/harness-image.ts', 'build the harness itself as a container image (downtime-harness)'],
};

/** @param {string} path */
const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const FROM_SOURCE = existsSync(at('harness/cli/scenario.ts'));
const { version } = JSON.parse(readFileSync(at('package.json'), 'utf8'));
// Installed, a command is there when the build bundled it (scripts/build.ts); the others (setup,
// bench, soak, harness-image) need a clone's devDependencies or its package-lock.json.
/** @param {string} name */
const inPackage = (name) => existsSync(at(`dist/${name}.mjs`));
const available = Object.entries(COMMANDS).filter(([name]) => FROM_SOURCE || inPackage(name));

const HELP = `Usage: downtime-harness <command> [arguments and flags]
       ${FROM_SOURCE ? '(from the repository: npx downtime-harness <command> …, or npm run <command> -- …)' : '(installed: npx downtime-harness <command> …)'}

Commands:
${available.map(([name, [, what]]) => `  ${name.padEnd(13)} ${what}`).join('\n')}

Every command has --help; --version prints the version. Durations everywhere take 500ms, 2s or
1.5m; a bare number is milliseconds.${FROM_SOURCE ? '' : `

Needs from the system: Node >= 20.18.1; nginx on PATH, in /usr/sbin or at NGINX_BIN for the
scenarios (not for measure --url); a Docker engine for --driver docker and --agents. A missing
one is named when a run needs it, with exit 2 (docs/INSTALL.md).`}`;

const [command, ...rest] = process.argv.slice(2);
if (command === '--version' || command === '-V' || command === 'version') {
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
if (!command || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(`${HELP}\n`);
  process.exit(command ? 0 : 2);
}
const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (!entry) {
  process.stderr.write(`error: unknown command "${command}"\n\n${HELP}\n`);
  process.exit(2);
}
if (!FROM_SOURCE && !inPackage(command)) {
  process.stderr.write(`error: "${command}" runs only in a clone of the repository; the package has ${available.map(([n]) => n).join(', ')}\n`);
  process.exit(2);
}
const script = FROM_SOURCE ? at(entry[0]) : at(`dist/${command}.mjs`);
// The command reads its own arguments from process.argv, as when npm runs it.
process.argv = [process.argv[0], script, ...rest];
if (FROM_SOURCE) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(script);
