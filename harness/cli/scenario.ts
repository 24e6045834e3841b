// npm run scenario -- <name> [options]: run one scenario against a real nginx and report it.
import { CannotMeasure } from '../errors.ts';
import { formatFields } from '../scenario/fields.ts';
import { listScenarios, resolveScenario } from '../scenario/resolve.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { runAndShow } from './run-output.ts';
import { HELP_FLAG, jsonFlag, type Flags } from './flags.ts';
import { overridesFrom, scenarioCommandFlags } from './scenario-options.ts';

const OWN_FLAGS = {
  list: { type: 'boolean', help: 'list the scenarios and exit' },
  fields: { type: 'boolean', help: 'every scenario field with its type and default, and exit' },
} as const satisfies Flags;

const END_FLAGS = {
  ...jsonFlag('print report.json to stdout, with runDir and verdict added; the\nsummary and progress go to stderr'),
  ...HELP_FLAG,
} as const satisfies Flags;

const FLAGS = scenarioCommandFlags(OWN_FLAGS, END_FLAGS);

const HELP = `Usage: npm run scenario -- <scenario> [options]

Starts a real nginx in front of blue/green app fixtures, drives HTTP/1.1 keep-alive load through
it, performs the scenario's blue/green switches (rewrite the upstream include, nginx -t,
nginx -s reload, stop the old colour) and reports every failed request.

Options:
${FLAGS.help}

Exit codes: 0 measured; 2 could not measure (bad input, a component that would not start,
a switch that did not take effect); 130 stopped by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP
(what was measured is still written).

Examples:
  npm run scenario keepalive-60s
  npm run scenario -- connection-close --switches 5 --duration 15s
  npm run scenario -- tuned-3s-1s --set proxy.workerProcesses=1
  npx downtime-harness scenario keepalive-60s --switches 3 --json > r.json   (no -- needed)
  npm run scenario -- keepalive-60s --set load.model=open --set load.rate=2000 --set network.delayMs=10`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine({ allowPositionals: true, options: FLAGS.options });
  if (values.help) return print(HELP);
  if (values.list) return print(listScenarios());
  if (values.fields) return print(formatFields());
  if (positionals.length !== 1) throw new CannotMeasure(`name one scenario.\n\n${HELP}`);

  const scenario = resolveScenario(positionals[0], overridesFrom(values));
  return runAndShow(scenario, values.out!, Boolean(values.json), 'ending the load, stopping nginx and the apps, writing what was measured…');
}


main().then((code) => process.exit(code), exitOnError);
