// npm run scenario -- <name> [options]: run one scenario against a real nginx and report it.
import { CannotMeasure } from '../errors.ts';
import { checkWritableDir } from '../files.ts';
import { runPlanned } from '../run/plans.ts';
import { formatFields } from '../scenario/fields.ts';
import { listScenarios, resolveScenario } from '../scenario/resolve.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { progressLine } from './progress.ts';
import { storeAndShow } from './run-output.ts';
import { overridesFrom, SCENARIO_OPTIONS } from './scenario-options.ts';
import { stopOnSignals } from './signals.ts';

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
  --driver <local|docker>  run the stack as local processes or as containers (driver)
  --nginx-conf <file>      your own nginx.conf or server block (proxy.configFile)
  --switch-cmd <command>   your own deploy step for each switch, in place of the built-in
                           rewrite + nginx -t + reload (switches.command; see the README)
  --app-cmd <command>      your own app as blue and green, with PORT and COLOUR in its
                           environment (apps.command; health check: apps.healthPath, default /)
  --method <m>, --header <'Name: value'> (repeatable), --body <text>
                           what each request is (load.method, load.headers, load.body); POST is
                           what no client resends after a failure
  --out <dir>              where run directories go (default: reports)
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
  const args = parseCommandLine(HELP, {
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
  await checkWritableDir(values.out!, '--out');

  const progress = progressLine();
  // stderr, so that --json's stdout stays JSON alone and a redirected run still says it started
  process.stderr.write(`${scenario.name}: ${(scenario.load.durationMs / 1000).toFixed(1)} s of load, ${scenario.switches.count} switch${scenario.switches.count === 1 ? '' : 'es'}…\n`);
  const stopped = stopOnSignals(progress, 'ending the load, stopping nginx and the apps, writing what was measured…');

  const run = await runPlanned(scenario, {
    signal: stopped.signal,
    onProgress: (p) =>
      progress.update(
        `${scenario.name}  ${(p.elapsedMs / 1000).toFixed(1)}/${(p.totalMs / 1000).toFixed(0)} s  ` +
          `${p.requests.toLocaleString('en-US')} requests  ${p.failed.toLocaleString('en-US')} failed  ${p.step}`,
      ),
  });
  progress.clear();
  return storeAndShow(values.out!, run, Boolean(values.json), stopped.exitCode);
}


main().then((code) => process.exit(code), exitOnError);
