// npm run measure -- --url URL [--switch-cmd CMD] [options]: the meter against a system the
// harness did not start.
import { CannotMeasure } from '../errors.ts';
import { measureScenario } from '../scenario/measure.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { runAndShow } from './run-output.ts';
import { AGENTS_HELP, AGENTS_OPTIONS, CLIENT_HELP, MEASURE_OPTIONS, overridesFrom, wholeNumber } from './scenario-options.ts';

const HELP = `Usage: npm run measure -- --url <url> [--switch-cmd <command>] [options]

Measures a running system the harness did not start: HTTP/1.1 keep-alive load against <url>,
and at each switch your command (a deploy, kubectl rollout restart …, systemctl reload nginx),
with the same records, figures, report and exit codes as npm run scenario. Without a command it
only watches (do a deploy by hand meanwhile) and reports each disruption it finds: failed
requests, or a stall with no success for 10x the usual interval (at least 100 ms).

Options:
  --url <url>              the URL to load (http:// or https://; its path is the path loaded)
  --switch-cmd <command>   run by sh -c at each switch; DOWNTIME_URL and DOWNTIME_SWITCH (1, 2 …)
                           in its environment; a non-zero exit fails the run (exit 2)
  --switches <n>           how many times (default 1 with a command, 0 without)
  --interval <time>        time between switches (default 10s); the run lasts 2 s + n x interval + 3 s
  --duration <time>        the whole run instead (default for watching: 30s)
  --connections <n>        keep-alive connections (default 32)
  --method <m>             the request's method (default GET)
  --header <'Name: value'> a request header, repeatable
  --body <text>            a request body
${CLIENT_HELP}  --name <name>            the run's name in reports (default measure)
${AGENTS_HELP}  --set <field=value>      any scenario field, e.g. --set load.timeoutMs=2s,
                           --set switches.commandTimeoutMs=5m, --set expect.maxFailed=0
  --out <dir>              where run directories go (default: reports)
  --json                   print report.json to stdout instead of the summary
  -h, --help               this text

Exit codes: 0 measured; 2 could not measure (a URL that does not answer, a command that failed
or hung, bad input); 130 stopped by Ctrl-C (what was measured is still written).
To fail a build on the figures, run the same with npm run gate -- --url … and thresholds.

Examples:
  npm run measure -- --url http://127.0.0.1:8080/ --switch-cmd ./deploy.sh --switches 5 --interval 10s
  npm run measure -- --url http://127.0.0.1:8080/ --duration 60s     # watch while you deploy by hand
  npm run measure -- --url http://127.0.0.1:8080/ --switch-cmd ./deploy.sh --agents 3`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine({
    allowPositionals: true,
    options: {
      ...MEASURE_OPTIONS,
      set: { type: 'string', multiple: true },
      duration: { type: 'string' },
      connections: { type: 'string' },
      switches: { type: 'string' },
      'switch-cmd': { type: 'string' },
      method: { type: 'string' },
      header: { type: 'string', multiple: true },
      body: { type: 'string' },
      client: { type: 'string' },
      http2: { type: 'boolean' },
      ...AGENTS_OPTIONS,
      out: { type: 'string', default: 'reports' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return print(HELP);
  if (positionals.length) throw new CannotMeasure(`unexpected argument "${positionals[0]}"; the URL goes after --url.\n\n${HELP}`);
  if (!values.url) throw new CannotMeasure(`--url is required.\n\n${HELP}`);
  const { switches, 'switch-cmd': command, ...rest } = values;
  const scenario = measureScenario(
    { url: values.url, command, switches: switches === undefined ? undefined : wholeNumber('switches', switches, 0), interval: values.interval, name: values.name },
    overridesFrom(rest),
  );

  return runAndShow(scenario, values.out!, Boolean(values.json), 'ending the load, writing what was measured…');
}

main().then((code) => process.exit(code), exitOnError);
