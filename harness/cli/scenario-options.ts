// The options every command that runs scenarios shares (scenario, compare, gate), parsed one way.
import { CannotMeasure } from '../errors.ts';
import { parseOverride, type Override } from '../scenario/resolve.ts';
import { durationFlag } from '../scenario/schema.ts';

/** Load from several machines (harness/agents), for every command that runs. */
export const AGENTS_OPTIONS = {
  agents: { type: 'string' },
  'agents-by': { type: 'string' },
  coordinator: { type: 'string' },
} as const;

export const AGENTS_HELP = `  --agents <n>             the load from n agents (load.agents), started as a Docker Swarm job
                           (a swarm is made on this engine if it is in none, and left after);
                           connections and rate are split between them, their records merged
                           onto this machine's clock (README: Load from several machines)
  --agents-by <swarm|external>  who starts the agents (load.agentScheduler): external waits for
                           agents you start (the Kubernetes Job in deploy/) at --coordinator
  --coordinator <host:port>  where the agents reach this machine (load.coordinator; default
                           127.0.0.1 on any free port: agents on this machine's host network)
`;

export const SCENARIO_OPTIONS = {
  set: { type: 'string', multiple: true },
  duration: { type: 'string' },
  connections: { type: 'string' },
  switches: { type: 'string' },
  driver: { type: 'string' },
  'nginx-conf': { type: 'string' },
  'switch-cmd': { type: 'string' },
  'app-cmd': { type: 'string' },
  method: { type: 'string' },
  header: { type: 'string', multiple: true },
  body: { type: 'string' },
  client: { type: 'string' },
  tls: { type: 'boolean' },
  http2: { type: 'boolean' },
  ...AGENTS_OPTIONS,
  out: { type: 'string', default: 'reports' },
} as const;

/** The --client help lines, for every command that sends load. */
export const CLIENT_HELP = `  --client <raw|retrying|post>
                           what the client does when a request fails (load.client): raw never
                           resends (default); retrying resends once what failed on a reused
                           connection before any response byte, as browsers, curl and Go (k6,
                           vegeta) do, and reports what it hid; post sends POST, never resent
  --http2                  speak HTTP/2 (load.http2), over TLS: with --tls, or an https:// URL
`;

/** The help lines of the options that bring your own parts, shared by every command that runs. */
export const OWN_PARTS_HELP = `  --driver <local|docker>  run the stack as local processes or as containers (driver)
  --nginx-conf <file>      your own nginx.conf or server block (proxy.configFile)
  --switch-cmd <command>   your own deploy step for each switch, in place of the built-in
                           rewrite + nginx -t + reload (switches.command; see the README)
  --app-cmd <command>      your own app as blue and green, with PORT and COLOUR in its
                           environment (apps.command; health check: apps.healthPath, default /)
  --tls                    nginx listens with TLS, a certificate made for 127.0.0.1 each run,
                           trusted by the load (proxy.tls; HTTP/2 offered beside HTTP/1.1)
  --method <m>, --header <'Name: value'> (repeatable), --body <text>
                           what each request is (load.method, load.headers, load.body)
${CLIENT_HELP}${AGENTS_HELP}`;

/** npm run measure's, and npm run gate's for a URL the harness did not start. */
export const MEASURE_OPTIONS = {
  url: { type: 'string' },
  interval: { type: 'string' },
  name: { type: 'string' },
} as const;

export function wholeNumber(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CannotMeasure(`--${flag} ${v}: expected a whole number >= ${min}`);
  return n;
}

/** A whole run needs at least a second: warm-up, a switch, cool-down. */
const MIN_RUN_MS = 1000;

/** --set, --duration, --connections, --switches, --driver, --nginx-conf, --switch-cmd, --app-cmd, the request's and the agents' flags as scenario overrides, in that order. */
export function overridesFrom(values: {
  set?: string[];
  duration?: string;
  connections?: string;
  switches?: string;
  driver?: string;
  'nginx-conf'?: string;
  'switch-cmd'?: string;
  'app-cmd'?: string;
  method?: string;
  header?: string[];
  body?: string;
  client?: string;
  tls?: boolean;
  http2?: boolean;
  agents?: string;
  'agents-by'?: string;
  coordinator?: string;
}): Override[] {
  const overrides = (values.set ?? []).map(parseOverride);
  if (values.duration) overrides.push({ path: 'load.durationMs', value: durationFlag('duration', values.duration, MIN_RUN_MS) });
  if (values.connections) overrides.push({ path: 'load.connections', value: wholeNumber('connections', values.connections, 1) });
  if (values.switches) overrides.push({ path: 'switches.count', value: wholeNumber('switches', values.switches, 0) });
  if (values.driver) overrides.push({ path: 'driver', value: values.driver });
  if (values['nginx-conf']) overrides.push({ path: 'proxy.configFile', value: values['nginx-conf'] });
  if (values['switch-cmd']) overrides.push({ path: 'switches.command', value: values['switch-cmd'] });
  if (values['app-cmd']) overrides.push({ path: 'apps.command', value: values['app-cmd'] });
  if (values.method) overrides.push({ path: 'load.method', value: values.method.toUpperCase() });
  for (const h of values.header ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new CannotMeasure(`--header ${h}: expected "Name: value"`);
    overrides.push({ path: `load.headers.${h.slice(0, colon).trim().toLowerCase()}`, value: h.slice(colon + 1).trim() });
  }
  if (values.body !== undefined) overrides.push({ path: 'load.body', value: values.body });
  if (values.client) overrides.push({ path: 'load.client', value: values.client });
  if (values.tls) overrides.push({ path: 'proxy.tls', value: true });
  if (values.http2) overrides.push({ path: 'load.http2', value: true });
  if (values.agents !== undefined) overrides.push({ path: 'load.agents', value: wholeNumber('agents', values.agents, 1) });
  if (values['agents-by'] !== undefined) overrides.push({ path: 'load.agentScheduler', value: values['agents-by'] });
  if (values.coordinator !== undefined) overrides.push({ path: 'load.coordinator', value: values.coordinator });
  return overrides;
}
