// The flags every command that runs scenarios shares (scenario, compare, gate, measure), each
// declared once: its type, its help text and the scenario field it sets. To add a flag, add it
// here; the parser, every command's help and the overrides follow (harness/cli/flags.ts).
import { CannotMeasure } from '../errors.ts';
import { CLIENT_PROFILES } from '../load/client-profiles.ts';
import { parseOverride, type Override } from '../scenario/resolve.ts';
import { DRIVERS, durationFlag } from '../scenario/schema.ts';
import { helpLines, overridesOf, parserOptions, whole, type Flags, type FlagValues } from './flags.ts';

export { wholeNumber } from './flags.ts';

/** A whole run needs at least a second: warm-up, a switch, cool-down. */
const MIN_RUN_MS = 1000;

/** `--header 'Name: value'` → load.headers.name */
function headers(values: string[]): Override[] {
  return values.map((h) => {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new CannotMeasure(`--header ${h}: expected "Name: value"`);
    return { path: `load.headers.${h.slice(0, colon).trim().toLowerCase()}`, value: h.slice(colon + 1).trim() };
  });
}

/** What the scenario is made of, and what the load sends: scenario, compare and gate take them all. */
export const SCENARIO_FLAGS = {
  set: {
    type: 'string',
    multiple: true,
    value: '<field=value>',
    help: `override any scenario field, repeatable
(e.g. --set proxy.keepaliveTimeout=3s --set apps.delayMs=5ms);
the value is JSON when it parses as JSON, so a list is
--set 'proxy.extraHttp=["keepalive_time 10s;"]'`,
    overrides: (values) => values.map(parseOverride),
  },
  duration: {
    type: 'string',
    value: '<time>',
    help: 'whole run, e.g. 30s (load.durationMs); a bare number is ms',
    field: 'load.durationMs',
    parse: (v, flag) => durationFlag(flag, v, MIN_RUN_MS),
  },
  connections: { type: 'string', value: '<n>', help: 'keep-alive connections (load.connections)', field: 'load.connections', parse: whole(1) },
  switches: { type: 'string', value: '<n>', help: 'number of switches (switches.count)', field: 'switches.count', parse: whole(0) },
  driver: { type: 'string', value: `<${DRIVERS.join('|')}>`, help: 'run the stack as local processes or as containers (driver)', field: 'driver' },
  'nginx-conf': { type: 'string', value: '<file>', help: 'your own nginx.conf or server block (proxy.configFile)', field: 'proxy.configFile' },
  'switch-cmd': {
    type: 'string',
    value: '<command>',
    help: 'your own deploy step for each switch, in place of the built-in\nrewrite + nginx -t + reload (switches.command; see the README)',
    field: 'switches.command',
  },
  'app-cmd': {
    type: 'string',
    value: '<command>',
    help: 'your own app as blue and green, with PORT and COLOUR in its\nenvironment (apps.command; health check: apps.healthPath, default /)',
    field: 'apps.command',
  },
  method: { type: 'string', value: '<m>', help: "the request's method (load.method; default GET)", field: 'load.method', parse: (v) => v.toUpperCase() },
  header: { type: 'string', multiple: true, value: "<'Name: value'>", help: 'a request header, repeatable (load.headers)', overrides: headers },
  body: { type: 'string', value: '<text>', help: 'a request body, sent with every request (load.body)', field: 'load.body' },
  client: {
    type: 'string',
    value: `<${CLIENT_PROFILES.join('|')}>`,
    help: `what the client does when a request fails (load.client): raw never
resends (default); retrying resends once what failed on a reused
connection before any response byte, as browsers, curl and Go (k6,
vegeta) do, and reports what it hid; post sends POST, never resent`,
    field: 'load.client',
  },
  tls: {
    type: 'boolean',
    help: 'nginx listens with TLS, a certificate made for 127.0.0.1 each run,\ntrusted by the load (proxy.tls; HTTP/2 offered beside HTTP/1.1)',
    field: 'proxy.tls',
  },
  http2: { type: 'boolean', help: 'speak HTTP/2 (load.http2), over TLS: with --tls, or an https:// URL', field: 'load.http2' },
  agents: {
    type: 'string',
    value: '<n>',
    help: `the load from n agents (load.agents), started as a Docker Swarm job
(a swarm is made on this engine if it is in none, and left after);
connections and rate are split between them, their records merged
onto this machine's clock (README: Load from several machines)`,
    field: 'load.agents',
    parse: whole(1),
  },
  'agents-by': {
    type: 'string',
    value: '<swarm|external>',
    help: 'who starts the agents (load.agentScheduler): external waits for\nagents you start (the Kubernetes Job in deploy/) at --coordinator',
    field: 'load.agentScheduler',
  },
  coordinator: {
    type: 'string',
    value: '<host:port>',
    help: "where the agents reach this machine (load.coordinator; default\n127.0.0.1 on any free port: agents on this machine's host network)",
    field: 'load.coordinator',
  },
  out: { type: 'string', default: 'reports', value: '<dir>', help: 'where run directories go (default: reports)' },
} as const satisfies Flags;

/** How many runs of each scenario: npm run gate's and npm run compare's. */
export const REPEAT_FLAG = {
  repeat: { type: 'string', default: '1', value: '<n>', help: 'run each scenario n times (default 1)' },
} as const satisfies Flags;

/** npm run measure's, and npm run gate's for a URL the harness did not start. */
export const MEASURE_FLAGS = {
  url: { type: 'string', value: '<url>', help: 'the URL to load (http:// or https://; its path is the path loaded)' },
  interval: { type: 'string', value: '<time>', help: 'time between switches (default 10s); the run lasts 2 s + n x interval + 3 s' },
  name: { type: 'string', value: '<name>', help: "the run's name in reports (default measure)" },
} as const satisfies Flags;

export type ScenarioFlag = keyof typeof SCENARIO_FLAGS;
export const ALL_SCENARIO_FLAGS = Object.keys(SCENARIO_FLAGS) as ScenarioFlag[];

export const SCENARIO_OPTIONS = parserOptions(SCENARIO_FLAGS);

/** The parser options of some of the scenario flags, for a command that takes only those. */
export const pickOptions = <K extends ScenarioFlag>(names: readonly K[]) =>
  Object.fromEntries(names.map((n) => [n, SCENARIO_OPTIONS[n]])) as Pick<typeof SCENARIO_OPTIONS, K>;
export const MEASURE_OPTIONS = parserOptions(MEASURE_FLAGS);

/** The given scenario flags' help lines, in the given order. */
export function scenarioHelp(names: readonly ScenarioFlag[], help: Partial<Record<ScenarioFlag, string>> = {}): string {
  return helpLines(Object.fromEntries(names.map((n) => [n, SCENARIO_FLAGS[n]])), 25, help as Record<string, string>);
}

/**
 * A command that runs scenarios by name (scenario, compare): its own flags, every scenario flag,
 * then its closing ones (--json, --help), in that order in its parser and its help alike. `help`
 * rewords a scenario flag the command means differently.
 */
export function scenarioCommandFlags<O extends Flags, E extends Flags>(own: O, end: E, help: Partial<Record<ScenarioFlag, string>> = {}) {
  return {
    options: { ...parserOptions(own), ...SCENARIO_OPTIONS, ...parserOptions(end) },
    help: [helpLines(own), scenarioHelp(ALL_SCENARIO_FLAGS, help), helpLines(end)].join('\n'),
  };
}

/** Every scenario flag's value as its scenario override, in the declarations' order. */
export function overridesFrom(values: { [K in keyof typeof SCENARIO_FLAGS]?: K extends 'set' | 'header' ? string[] : K extends 'tls' | 'http2' ? boolean : string }): Override[] {
  const { out: _out, ...flags } = SCENARIO_FLAGS;
  return overridesOf(flags, values as FlagValues);
}
