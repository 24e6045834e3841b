// What a scenario may say, with defaults. Every message names the field it is about.
import { z } from 'zod';
import { CannotMeasure } from '../errors.ts';
import { CLIENT_PROFILES } from '../load/client-profiles.ts';
import { can, PROXY_KINDS, proxiesThat } from './proxies.ts';
import { STATS, THRESHOLD_NAMES, type Stat, type Threshold, type ThresholdName } from './thresholds.ts';

export { STATS, THRESHOLD_NAMES, type Stat, type Threshold, type ThresholdName };

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * The one duration rule, for scenario files, --set and every command's flags: "250ms", "2s",
 * "1.5m", or a bare number, which is milliseconds.
 */
export const DURATION_RULE = 'a duration such as 500ms, 2s or 1.5m (a bare number is milliseconds)';

export function parseDurationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  return m ? Number(m[1]) * UNITS_MS[m[2] ?? 'ms'] : Number.NaN;
}

/**
 * A duration flag by the one rule (units, or bare milliseconds). A value below `minMs` that
 * was written without a unit is most likely seconds meant as such: the message says so.
 */
export function durationFlag(flag: string, v: string, minMs = 0, maxMs = Number.POSITIVE_INFINITY): number {
  const value = parseDurationMs(v);
  if (!Number.isFinite(value)) throw new CannotMeasure(`--${flag} ${v}: expected ${DURATION_RULE}`);
  if (value < minMs || value > maxMs) {
    const bare = /^\s*\d+(\.\d+)?\s*$/.test(v);
    const limit = (x: number) => (x >= 1000 ? `${x / 1000} s` : `${x} ms`);
    throw new CannotMeasure(
      `--${flag} ${v}: ${value} ms is ${value < minMs ? `shorter than ${limit(minMs)}` : `longer than ${limit(maxMs)}`}` +
        (bare && value < minMs ? `; a bare number is milliseconds: for ${v} seconds write ${v}s` : ''),
    );
  }
  return value;
}

const ms = z
  .union([z.number(), z.string()])
  .transform((v) => (typeof v === 'number' ? v : parseDurationMs(v)))
  .pipe(z.number({ error: `expected ${DURATION_RULE}` }).nonnegative());

const nginxTime = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, { error: 'expected an nginx time such as 60s, 500ms or 75' });

export const DRIVERS = ['local', 'docker'] as const;

/** A regular expression with at least one group (the colour). */
function isPattern(v: string): boolean {
  try {
    return new RegExp(`${v}|`).exec('')!.length > 1;
  } catch {
    return false;
  }
}

const port = z.number().int().min(0).max(65535);
const directives = z.array(z.string()).default([]);

const ProxySchema = z
  .object({
    /** the proxy in front of the colours: nginx, or another of scenario/proxies.ts's to compare */
    kind: z.enum(PROXY_KINDS, { error: `expected one of ${PROXY_KINDS.join(', ')}` }).default('nginx'),
    /** HAProxy: answer an idle connection's next request with Connection: close instead of closing it at a reload */
    idleCloseOnResponse: z.boolean().default(false),
    /** `auto` is what Debian's packaged nginx.conf uses */
    workerProcesses: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
    workerConnections: z.number().int().min(16).max(65535).default(1024),
    keepaliveTimeout: nginxTime.default('60s'),
    keepaliveRequests: z.number().int().positive().optional(),
    workerShutdownTimeout: nginxTime.optional(),
    /**
     * nginx >= 1.27.4: after a response a connection is not idle for this long, so a reload's
     * sweep leaves it open and its next request is answered with `Connection: close`
     */
    keepaliveMinTimeout: nginxTime.optional(),
    /** the seed's fix: `add_header Connection "close";` in the location */
    connectionClose: z.boolean().default(false),
    /**
     * nginx: listen with TLS (a certificate generated for 127.0.0.1 each run, trusted by the
     * load) and offer HTTP/2 beside HTTP/1.1; the load says which it speaks (load.http2)
     */
    tls: z.boolean().default(false),
    /**
     * idle keep-alive connections from each worker to the app (0: a new upstream connection
     * per request, the seed's literal config, about 4x slower on a 2-core machine)
     */
    upstreamKeepalive: z.number().int().min(0).max(10_000).default(32),
    accessLog: z.boolean().default(false),
    /** 0: any free port on 127.0.0.1 (with the Docker driver: the published port) */
    port: port.default(0),
    /** Docker driver: the nginx image (ours: downtime-nginx:bookworm|trixie|sid, built here; or any image with nginx and sh) */
    image: z.string().min(1).default('downtime-nginx:bookworm'),
    /**
     * your own nginx.conf, or a file holding your server block: the harness takes over where it
     * listens, its pid/log/temp paths and the include a switch rewrites, and lists what it changed
     */
    configFile: z.string().min(1).optional(),
    /** the file name of the include that sets the upstream, in your configFile */
    upstreamInclude: z
      .string()
      .regex(/^[^/]+$/, { error: 'a file name, without a directory' })
      .default('service-url.inc'),
    /**
     * what a switch writes into that include with your configFile: {address} is the colour's
     * host:port, {colour} blue or green, {port} its port
     */
    upstreamTemplate: z.string().min(1).default('set $service_url http://{address};'),
    /** raw directives, for trying one's own configuration */
    extraMain: directives,
    extraHttp: directives,
    extraLocation: directives,
  })
  .strict();

const AppsSchema = z
  .object({
    delayMs: ms.default(0),
    /** 0: the body is the colour's name */
    bodyBytes: z.number().int().min(0).max(10_000_000).default(0),
    healthTimeoutMs: ms.default(5000),
    /** the app answers its health check with 503 until it has run this long */
    healthyAfterMs: ms.default(0),
    bluePort: port.default(0),
    greenPort: port.default(0),
    /**
     * your own app in place of the fixture: a shell command started once per colour with PORT
     * and COLOUR (also DOWNTIME_PORT, DOWNTIME_COLOUR) in its environment
     */
    command: z.string().min(1).optional(),
    /** what the health check asks for: 2xx/3xx is healthy (default /__health, or / with a command) */
    healthPath: z.string().startsWith('/').optional(),
    /** the response header that names the colour that served it (its value contains blue or green) */
    colourHeader: z.string().min(1).default('x-served-by'),
    /**
     * or a pattern of the response body whose first group is blue or green, e.g.
     * "\"colour\":\"(blue|green)\"" (the body's first 64 KiB are searched)
     */
    colourBody: z
      .string()
      .min(1)
      .refine(isPattern, { error: 'not a regular expression with a group, e.g. "colour":"(blue|green)"' })
      .optional(),
    /** Docker driver: the app image (ours: downtime-app:bookworm, the fixture) */
    image: z.string().min(1).default('downtime-app:bookworm'),
  })
  .strict();

const LoadSchema = z
  .object({
    /**
     * closed: each connection sends its next request as soon as the last one ends (saturating);
     * open: requests are due at `rate` whatever the responses do, over up to `connections`
     * keep-alive connections that sit idle between requests (wrk2 -R, k6 constant-arrival-rate);
     * shape: connections arrive as your traffic's do (load.shape), each making its requests, then closing
     */
    model: z.enum(['closed', 'open', 'shape']).default('closed'),
    /**
     * shape model: a shape.json from `npm run shape` (docs/SHAPE.md): Poisson connection arrivals at
     * its rate of connections opened, requests per connection and idle times drawn from its histograms
     */
    shape: z.string().min(1).optional(),
    /** shape model: multiplies the shape's connection arrival rate (2: what if traffic doubles) */
    shapeScale: z.number().min(0.01).max(1000).default(1),
    /** open model: requests per second (after the ramp) */
    rate: z.number().positive().max(1_000_000).optional(),
    /** open model: constant spacing, or a Poisson process (independent clients) */
    arrivals: z.enum(['constant', 'poisson']).default('constant'),
    /** open model: the rate rises linearly from rampFromRate to rate over rampMs */
    rampMs: ms.default(0),
    rampFromRate: z.number().min(0).max(1_000_000).default(0),
    /**
     * open and shape models: how the load thread waits for the next due time. timer: 1 ms
     * timers, up to 2–3 ms late (now and then 5), little CPU; poll: sends within µs of it on a
     * quiet machine but keeps a core busy, and a busy thread is the first the OS sets aside on a
     * crowded one (docs/ACCURACY.md: measured)
     */
    pacing: z.enum(['timer', 'poll']).default('timer'),
    /** seed of the Poisson arrivals (and the shape model's draws), so a schedule can be repeated */
    seed: z.number().int().min(0).default(1),
    /** load threads, each with its own share of connections and rate; auto: what the machine can spare */
    threads: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
    /**
     * load from several machines: this many agents (harness/agents), each with its share of the
     * connections and rate, merged onto this machine's clock; 0: the load threads here
     */
    agents: z.number().int().min(0).max(64).default(0),
    /** who starts the agents: swarm (a Docker Swarm job the harness runs) or external (you: a Kubernetes Job, by hand) */
    agentScheduler: z.enum(['swarm', 'external']).default('swarm'),
    /** where the coordinator listens for its agents, host:port (port 0: any free one) */
    coordinator: z.string().regex(/^[^\s:]+:\d{1,5}$/, { error: 'expected host:port, e.g. 0.0.0.0:7070' }).default('127.0.0.1:0'),
    /** how long the agents may take to start and be ready */
    agentStartTimeoutMs: ms.default(120_000),
    /** connections (closed), the open model's pool limit, or the shape model's limit on connections open at once; split over the threads */
    connections: z.number().int().min(1).max(1024).default(32),
    /** whole run: warm-up, the switches spread evenly, then the steady cool-down */
    durationMs: ms.default(25_000),
    warmupMs: ms.default(2000),
    cooldownMs: ms.default(3000),
    clientKeepAlive: z.boolean().default(true),
    /**
     * speak HTTP/2 (over TLS: proxy.tls, or an https:// URL), one request at a time per
     * connection so the figures compare with HTTP/1.1's; at a reload nginx sends GOAWAY
     */
    http2: z.boolean().default(false),
    /** no complete response within this long is a timeout; must be > 0 (0 would mean no timeout at all) */
    timeoutMs: ms.pipe(z.number().positive({ error: 'must be more than 0 (0 would turn timeouts off)' })).default(5000),
    path: z.string().startsWith('/').default('/'),
    /** several paths, requested in turn (in place of path) */
    paths: z.array(z.string().startsWith('/')).min(1).optional(),
    /**
     * what the client does when a request fails (harness/load/client-profiles.ts): raw never resends;
     * retrying resends once what failed on a reused connection before any response byte, as
     * browsers, curl and Go (for GET) do; post sends POST (load.body, or a small JSON one), never resent
     */
    client: z.enum(CLIENT_PROFILES, { error: `expected one of ${CLIENT_PROFILES.join(', ')}` }).default('raw'),
    /** POST, say, which no client resends after a failure */
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], { error: 'expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS' }).default('GET'),
    /** request headers, e.g. {"authorization": "Bearer …"} */
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'not a header name' }), z.string()).default({}),
    /** a request body, sent with every request */
    body: z.string().optional(),
    successStatus: z.tuple([z.number().int(), z.number().int()]).default([200, 399]),
    /** a safety bound on the load loop, far above any real run */
    maxRequests: z.number().int().positive().default(50_000_000),
  })
  .strict();

const NetworkSchema = z
  .object({
    /**
     * added each way between the load and the proxy by a delay line in the stack (bytes, FIN
     * and RST cross in order, after the delay): loopback's round trip is tens of µs, a real
     * client's is not, and the reload race depends on it. 0: the load talks to the proxy directly.
     */
    delayMs: ms.pipe(z.number().max(10_000)).default(0),
  })
  .strict();

const SwitchesSchema = z
  .object({
    count: z.number().int().min(0).max(1000).default(10),
    /** time from the reload signal to stopping the old colour, as a deploy job sleeps */
    drainMs: ms.default(500),
    /** how long after a switch's last event its failures are still its own */
    settleMs: ms.default(1000),
    /**
     * your own deploy step in place of the built-in rewrite + nginx -t + reload (run by sh -c,
     * with DOWNTIME_* environment variables); the harness still starts and stops the colours
     */
    command: z.string().min(1).optional(),
    /**
     * the seed author's "close only around the reload", in stock nginx: every response says
     * `Connection: close` from beforeMs before the reload until afterMs after it
     */
    closeAroundReload: z.object({ beforeMs: ms.default(100), afterMs: ms.default(1000) }).strict().optional(),
    /** a switch command still running after this long is stopped, and the run fails */
    commandTimeoutMs: ms.pipe(z.number().positive({ error: 'expected a duration above 0' })).default(60_000),
  })
  .strict();

const AnalysisSchema = z.object({ bucketMs: ms.pipe(z.number().min(1).max(1000)).default(10) }).strict();

/** `0`, or `{ limit: 0, stat: 'median' }`; a bare number takes the default statistic. */
const threshold = z.preprocess(
  (v) => (typeof v === 'number' ? { limit: v } : v),
  z
    .object(
      {
        limit: z
          .number({ error: 'expected a number' })
          .refine(Number.isFinite, { error: 'expected a finite number' })
          .refine((v) => v >= 0, { error: 'expected a number >= 0' }),
        stat: z.enum(STATS, { error: `expected one of ${STATS.join(', ')}` }).optional(),
      },
      { error: 'expected a number, or { limit, stat }' },
    )
    .strict(),
);

const ExpectSchema = z
  .object({
    ...(Object.fromEntries(THRESHOLD_NAMES.map((name) => [name, threshold.optional()])) as Record<ThresholdName, z.ZodOptional<typeof threshold>>),
    /** why a scenario is a known-bad reference: its thresholds record the failure it must show */
    knownBad: z.string().optional(),
  })
  .strict();

export type Expectations = z.output<typeof ExpectSchema>;

/** Smallest spacing between switch starts that leaves room for a switch and its settle time. */
export const MIN_SWITCH_SPACING_MS = 500;

export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'lower-case letters, digits and dashes' }),
    description: z.string(),
    /** where the stack runs: `local` processes on 127.0.0.1, or `docker` containers on a network of their own */
    driver: z.enum(DRIVERS, { error: `expected one of ${DRIVERS.join(', ')}` }).default('local'),
    proxy: ProxySchema.default(ProxySchema.parse({})),
    apps: AppsSchema.default(AppsSchema.parse({})),
    load: LoadSchema.default(LoadSchema.parse({})),
    network: NetworkSchema.default(NetworkSchema.parse({})),
    switches: SwitchesSchema.default(SwitchesSchema.parse({})),
    analysis: AnalysisSchema.default(AnalysisSchema.parse({})),
    /**
     * a running system the harness did not start (npm run measure): load goes to this URL, and
     * switches are your switches.command, or none (the harness watches for disruptions)
     */
    target: z
      .object({ url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }) })
      .strict()
      .optional(),
    /** thresholds for `npm run gate`; none: the scenario is measured, not gated */
    expect: ExpectSchema.default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const { durationMs, warmupMs, cooldownMs } = s.load;
    if (cooldownMs <= s.switches.settleMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['load', 'cooldownMs'],
        message: `must be longer than switches.settleMs (${s.switches.settleMs}) so the run ends in steady state`,
      });
    }
    if (s.switches.count > 0) {
      const spacing = (durationMs - warmupMs - cooldownMs) / s.switches.count;
      if (!(spacing >= MIN_SWITCH_SPACING_MS)) {
        const needed = warmupMs + cooldownMs + s.switches.count * MIN_SWITCH_SPACING_MS;
        const n = s.switches.count === 1 ? '1 switch' : `${s.switches.count} switches`;
        ctx.addIssue({
          code: 'custom',
          path: ['load', 'durationMs'],
          message:
            `${durationMs} ms less the warm-up (load.warmupMs ${warmupMs} ms) and the cool-down (load.cooldownMs ${cooldownMs} ms) ` +
            `leaves ${Math.max(0, Math.round(spacing))} ms for each switch; ${n} need${s.switches.count === 1 ? 's' : ''} at least ${needed} ms ` +
            `(${warmupMs} + ${s.switches.count} × ${MIN_SWITCH_SPACING_MS} + ${cooldownMs}): a longer duration, fewer switches, or a shorter warm-up or cool-down`,
        });
      }
    }
    if (s.load.model === 'open' && s.load.rate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['load', 'rate'], message: 'the open model needs a rate (requests per second)' });
    }
    if (s.load.model === 'shape' && s.load.shape === undefined) {
      ctx.addIssue({ code: 'custom', path: ['load', 'shape'], message: 'the shape model needs a shape.json (written by npm run shape)' });
    }
    if (s.load.threads !== 'auto' && s.load.threads > s.load.connections) {
      ctx.addIssue({ code: 'custom', path: ['load', 'threads'], message: `${s.load.threads} threads need at least as many connections (${s.load.connections})` });
    }
    if (s.driver === 'docker' && !can(s.proxy.kind, 'docker')) {
      ctx.addIssue({ code: 'custom', path: ['proxy', 'kind'], message: `the Docker driver runs ${proxiesThat('docker')}; ${proxiesThat('docker', false)} run with the local driver` });
    }
    if (s.switches.closeAroundReload && (!can(s.proxy.kind, 'closeAroundReload') || s.proxy.configFile || s.switches.command)) {
      ctx.addIssue({
        code: 'custom',
        path: ['switches', 'closeAroundReload'],
        message: `works with the harness's own ${proxiesThat('closeAroundReload')} configuration and switch (not ${proxiesThat('closeAroundReload', false).replace(' and ', ', ')}, your configFile or your command)`,
      });
    }
    if (s.proxy.tls && (!can(s.proxy.kind, 'tls') || s.proxy.configFile || s.target)) {
      ctx.addIssue({ code: 'custom', path: ['proxy', 'tls'], message: `TLS is for the harness's own ${proxiesThat('tls')} configuration (with yours or your URL, use an https:// listener of your own)` });
    }
    if (s.load.agents > 0 && s.load.client === 'retrying') {
      ctx.addIssue({ code: 'custom', path: ['load', 'client'], message: 'the retrying client runs on this machine\'s load threads; agents load as raw or post clients' });
    }
    if (s.load.http2 && !s.proxy.tls && !s.target?.url.startsWith('https:')) {
      ctx.addIssue({ code: 'custom', path: ['load', 'http2'], message: 'HTTP/2 here is over TLS: set proxy.tls=true (or measure an https:// URL)' });
    }
    if (s.proxy.configFile && !can(s.proxy.kind, 'configFile')) {
      ctx.addIssue({ code: 'custom', path: ['proxy', 'configFile'], message: `your own configuration file is for ${proxiesThat('configFile')}` });
    }
    if (s.target && s.switches.count > 0 && !s.switches.command) {
      ctx.addIssue({
        code: 'custom',
        path: ['switches', 'command'],
        message: 'a URL the harness did not start is switched only by your command (--switch-cmd); without one, use 0 switches to watch',
      });
    }
    if (s.load.client === 'post' && !['GET', 'POST'].includes(s.load.method)) {
      ctx.addIssue({ code: 'custom', path: ['load', 'client'], message: `post sends POST, not load.method ${s.load.method}: use client raw or retrying for ${s.load.method}` });
    }
    const [lo, hi] = s.load.successStatus;
    if (lo > hi) ctx.addIssue({ code: 'custom', path: ['load', 'successStatus'], message: 'low bound above high bound' });
  });

export type Scenario = z.output<typeof ScenarioSchema>;
/** What a scenario file may write: typed here, since the threshold's preprocess takes anything. */
export type ScenarioInput = Omit<z.input<typeof ScenarioSchema>, 'expect'> & {
  expect?: Partial<Record<ThresholdName, number | Threshold>> & { knownBad?: string };
};
export type ProxySettings = Scenario['proxy'];

/** Milliseconds between switch starts, and the times (from load start) they are due. */
export function switchSchedule(s: Scenario): number[] {
  const { durationMs, warmupMs, cooldownMs } = s.load;
  const spacing = (durationMs - warmupMs - cooldownMs) / Math.max(1, s.switches.count);
  return Array.from({ length: s.switches.count }, (_, i) => warmupMs + i * spacing);
}
