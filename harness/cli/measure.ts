// npm run measure -- --url URL [--switch-cmd CMD] [options]: the meter against a system the
// harness did not start.
import { CannotMeasure } from '../errors.ts';
import { measureScenario } from '../scenario/measure.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { runAndShow } from './run-output.ts';
import { helpLines, HELP_FLAG, jsonFlag, parserOptions, type Flags } from './flags.ts';
import { MEASURE_FLAGS, MEASURE_OPTIONS, overridesFrom, pickOptions, scenarioHelp, wholeNumber } from './scenario-options.ts';

/** The scenario flags measure takes, and what some of them mean here (no stack of ours). */
const MEASURE_SCENARIO_FLAGS = ['switch-cmd', 'switches', 'duration', 'connections', 'method', 'header', 'body', 'client', 'http2', 'agents', 'agents-by', 'coordinator', 'set', 'out'] as const;
const MEASURE_HELP = {
  'switch-cmd': 'run by sh -c at each switch; DOWNTIME_URL and DOWNTIME_SWITCH (1, 2 …)\nin its environment; a non-zero exit fails the run (exit 2)',
  switches: 'how many times (default 1 with a command, 0 without)',
  duration: 'the whole run instead of --interval (default for watching: 30s)',
  connections: 'keep-alive connections (default 32)',
  http2: 'speak HTTP/2 (load.http2), to an https:// URL',
  set: 'any scenario field, e.g. --set load.timeoutMs=2s,\n--set switches.commandTimeoutMs=5m, --set expect.maxFailed=0',
};

const END_FLAGS = {
  ...jsonFlag('print report.json to stdout instead of the summary'),
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run measure -- --url <url> [--switch-cmd <command>] [options]

Measures a running system the harness did not start: HTTP/1.1 keep-alive load against <url>,
and at each switch your command (a deploy, kubectl rollout restart …, systemctl reload nginx),
with the same records, figures, report and exit codes as npm run scenario. Without a command it
only watches (do a deploy by hand meanwhile) and reports each disruption it finds: failed
requests, or a stall with no success for 10x the usual interval (at least 100 ms).

Options:
${helpLines(MEASURE_FLAGS)}
${scenarioHelp(MEASURE_SCENARIO_FLAGS, MEASURE_HELP)}
${helpLines(END_FLAGS)}

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
      ...pickOptions(MEASURE_SCENARIO_FLAGS),
      ...parserOptions(END_FLAGS),
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
