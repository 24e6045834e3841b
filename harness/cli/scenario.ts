// npm run scenario -- <name> [options]: run one scenario against a real nginx and report it.
import { CannotMeasure } from '../errors.ts';
import { formatFields } from '../scenario/fields.ts';
import { listScenarios, resolveScenario } from '../scenario/resolve.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { runAndShow } from './run-output.ts';
import { overridesFrom, OWN_PARTS_HELP, SCENARIO_OPTIONS } from './scenario-options.ts';

const HELP = `Usage: npm run scenario -- <scenario> [options]

Starts a real nginx in front of blue/green app fixtures, drives HTTP/1.1 keep-alive load through
it, performs the scenario's blue/green switches (rewrite the upstream include, nginx -t,
nginx -s reload, stop the old colour) and reports every failed request.

Options:
  --list                   list the scenarios and exit
  --set <field=value>      override any scenario field, repeatable
                           (e.g. --set proxy.keepaliveTimeout=3s --set apps.delayMs=5ms);
                           the value is JSON when it parses as JSON, so a list is
                           --set 'proxy.extraHttp=["keepalive_time 10s;"]'
  --duration <time>        whole run, e.g. 30s (load.durationMs); a bare number is ms
  --fields                 every scenario field with its type and default, and exit
  --connections <n>        keep-alive connections (load.connections)
  --switches <n>           number of switches (switches.count)
${OWN_PARTS_HELP}  --out <dir>              where run directories go (default: reports)
  --json                   print report.json to stdout, with runDir and verdict added; the
                           summary and progress go to stderr
  -h, --help               this text

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
  const args = parseCommandLine({
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      fields: { type: 'boolean' },
      ...SCENARIO_OPTIONS,
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values, positionals } = args;
  if (values.help) return print(HELP);
  if (values.list) return print(listScenarios());
  if (values.fields) return print(formatFields());
  if (positionals.length !== 1) throw new CannotMeasure(`name one scenario.\n\n${HELP}`);

  const scenario = resolveScenario(positionals[0], overridesFrom(values));
  return runAndShow(scenario, values.out!, Boolean(values.json), 'ending the load, stopping nginx and the apps, writing what was measured…');
}


main().then((code) => process.exit(code), exitOnError);
