// One measured run: stack up, load on, disruptions at their times, steady cool-down, load off,
// stack down. This is the orchestrator's thread; the load runs in its own worker thread.
// After the load has started, nothing is lost: a failure or Ctrl-C still returns every record.
import { cpus, hostname, platform, release } from 'node:os';
import { nowNs, usSince } from '../clock.ts';
import { harnessVersion } from '../package-root.ts';
import type { Disruption } from '../analysis/types.ts';
import { startAgentLoad } from '../agents/agent-load.ts';
import type { AgentFacts } from '../records/agent-facts.ts';
import { loadThreads, startLoad, type LoadClientInfo, type RunningLoad } from '../load/generator.ts';
import type { LoadOptions } from '../load/messages.ts';
import { startDelayLine, type DelayLine, type DelayLineStats } from '../network/delay-line.ts';
import { requestOf } from '../load/client-profiles.ts';
import { RecordWriter, type HiddenFailure, type LoadStall, type RecordSet } from '../records/records.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Target } from '../stack/stack.ts';
import type { RunMeta, ScheduledAction } from '../stored/run-meta.ts';
import { sweepLeftovers } from '../stack/sweep.ts';
import { shapeLoadOf } from './shape-load.ts';
import type { TimedEvent } from '../switch/events.ts';

/** A disruption as an action produces it, on the raw clock. */
export interface RawDisruption extends Omit<Disruption, 'events'> {
  events: TimedEvent[];
}

export interface PlannedAction<T extends Target = Target> {
  /** when to start it, ms after the load origin (later if the previous action overran) */
  dueMs: number;
  /** what it is, for progress lines */
  label: string;
  act(target: T): Promise<RawDisruption>;
  /** files the action leaves to store beside the report (e.g. a switch command's output) */
  files?(): Record<string, string>;
}

/** An action that failed part-way; `partial` holds the events it got to, for attribution. */
export class ActionFailed extends Error {
  constructor(
    override readonly cause: Error,
    readonly partial: RawDisruption,
  ) {
    super(cause.message);
  }
}

export interface RunOutput {
  scenario: Scenario;
  meta: RunMeta;
  records: RecordSet;
  /** the load threads' own event-loop stalls (harness/load/stall-probe.ts) */
  loadStalls: LoadStall[];
  /** failed first attempts the retrying client resent (none for the other profiles) */
  hiddenFailures?: HiddenFailure[];
  disruptions: Disruption[];
  proxyFiles: Record<string, string>;
}

export interface RunHooks {
  signal?: AbortSignal;
  /** lines about setting up (e.g. an image being built), for stderr */
  log?: (line: string) => void;
  onProgress?: (state: { elapsedMs: number; totalMs: number; requests: number; failed: number; step: string }) => void;
  /** a reference client's load in place of the harness's own (calibrate --cross-check) */
  startLoad?: (options: LoadOptions) => Promise<RunningLoad>;
}

/**
 * Throws (CannotMeasure) only when the stack could not start or the shape model's shape cannot be
 * replayed, before any load; after that,
 * errors end the run early and come back in `meta.error` with everything measured so far.
 */
export async function runScenario<T extends Target>(
  scenario: Scenario,
  start: (scenario: Scenario, log: (line: string) => void) => Promise<T>,
  plan: PlannedAction<T>[],
  hooks: RunHooks = {},
): Promise<RunOutput> {
  const startedAt = new Date().toISOString();
  const shapeLoad = scenario.load.model === 'shape' ? shapeLoadOf(scenario.load) : null;
  await sweepLeftovers();
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stack = await start(scenario, log);
  let load: RunningLoad | null = null;
  let delayLine: DelayLine | null = null;
  let network: DelayLineStats | null = null;
  let error: string | null = null;
  const proxyFiles: Record<string, string> = {};
  let step = 'warm-up';
  const raw: RawDisruption[] = [];
  const schedule: ScheduledAction[] = [];
  // A proxy or app that dies mid-run ends the run at once, named, rather than showing up later
  // as unexplained background failures; so does a load thread that ends on its own (never
  // switch with no load); and so does Ctrl-C.
  let crash: string | null = null;
  const stopRun = new AbortController();
  void stack.failure.then((why) => {
    crash = why;
    stopRun.abort();
  });
  hooks.signal?.addEventListener('abort', () => stopRun.abort(), { once: true });
  if (hooks.signal?.aborted) stopRun.abort();
  const signal = stopRun.signal;
  const threads = loadThreads(scenario.load.threads, scenario.load.connections);
  const tick = setInterval(() => {
    if (!load || !hooks.onProgress) return;
    hooks.onProgress({
      elapsedMs: usSince(load.originNs) / 1000,
      totalMs: scenario.load.durationMs,
      requests: load.progress.requests,
      failed: load.progress.failed,
      step,
    });
  }, 250);
  try {
    // The delay line (network.delayMs), if any, sits between the load and the proxy.
    if (scenario.network.delayMs > 0) delayLine = await startDelayLine({ upstream: stack.origin, delayMs: scenario.network.delayMs });
    const l = scenario.load;
    const loadOptions: LoadOptions = {
      url: `${delayLine?.origin ?? stack.origin}${l.path}`,
      request: { ...requestOf(l.client, l), paths: l.paths ?? [l.path] },
      resendOnReused: l.client === 'retrying',
      colourBy: { header: scenario.apps.colourHeader.toLowerCase(), bodyPattern: scenario.apps.colourBody },
      model: l.model,
      arrivals: shapeLoad?.arrivals ?? { rate: l.rate ?? 0, rampFromRate: l.rampFromRate, rampMs: l.rampMs, arrivals: l.arrivals, seed: l.seed },
      replay: shapeLoad?.replay,
      pacing: l.pacing,
      threads,
      connections: scenario.load.connections,
      timeoutMs: scenario.load.timeoutMs,
      clientKeepAlive: scenario.load.clientKeepAlive,
      http2: l.http2,
      tls: stack.ca ? { ca: stack.ca } : undefined,
      successMin: scenario.load.successStatus[0],
      successMax: scenario.load.successStatus[1],
      // The orchestrator stops it; this bound holds if the orchestrator cannot.
      maxDurationMs: scenario.load.durationMs * 2 + 60_000,
      maxRequests: scenario.load.maxRequests,
    };
    // From agents on other machines (Load from several machines), or from threads here.
    load = l.agents
      ? await startAgentLoad(loadOptions, l.threads, { count: l.agents, scheduler: l.agentScheduler, listen: l.coordinator, startTimeoutMs: l.agentStartTimeoutMs }, log, signal)
      : await (hooks.startLoad ?? startLoad)(loadOptions);
    let endedEarly: string | null = null;
    void load.endedEarly.then((reason) => {
      endedEarly = reason;
      stopRun.abort();
    });
    const origin = load.originNs;
    for (const action of plan) {
      await sleepUntil(origin, action.dueMs, signal);
      if (signal?.aborted) break;
      step = action.label;
      const entry: ScheduledAction = { label: action.label, dueMs: action.dueMs, startedMs: usSince(origin) / 1000, endedMs: null };
      schedule.push(entry);
      raw.push(await action.act(stack));
      entry.endedMs = usSince(origin) / 1000;
      step = 'between switches';
    }
    step = 'cool-down';
    const lastEventMs = raw.length ? lastEventUs(raw[raw.length - 1], origin) / 1000 : 0;
    await sleepUntil(origin, Math.max(scenario.load.durationMs, lastEventMs + scenario.load.cooldownMs), signal);
    if (endedEarly) throw new Error(`${endedEarly} before the run's end, so the rest would have had ${l.agents ? 'part of its' : 'no'} load`);
  } catch (err) {
    error = (err as Error).message;
    if (err instanceof ActionFailed && err.partial.events.length > 0) raw.push(err.partial);
  } finally {
    clearInterval(tick);
    for (const action of plan) Object.assign(proxyFiles, action.files?.());
  }
  if (crash) error = crash;
  // Stored whatever happened: a failed run's configuration is the one most worth reading.
  Object.assign(proxyFiles, await stack.proxy.configFiles().catch(() => ({})));
  let records: RecordSet | null = null;
  let loadStalls: LoadStall[] = [];
  let loadUnsent = 0;
  let hiddenFailures: HiddenFailure[] = [];
  let agents: AgentFacts[] | undefined;
  try {
    if (load) {
      const result = await load.stop();
      ({ records, stalls: loadStalls, unsent: loadUnsent, hidden: hiddenFailures, agents } = result);
      error ??= result.error ?? null;
    }
  } catch (err) {
    error ??= (err as Error).message;
  }
  network = (await delayLine?.stop().catch((err: Error) => void (error ??= err.message))) ?? null;
  await stack.stop();
  const origin = load?.originNs ?? nowNs();
  return {
    scenario,
    meta: {
      startedAt,
      proxy: { kind: stack.proxy.kind, version: stack.proxy.version },
      stack: stack.info,
      node: process.version,
      client: load?.client ?? harnessClientOf(scenario.load.http2),
      machine: { hostname: hostname(), platform: platform(), release: release(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '' },
      protocol: protocolOf(stack.origin, scenario.load.http2),
      loadThreads: agents ? agents.reduce((n, a) => n + a.threads, 0) : threads,
      loadUnsent,
      ...(agents ? { agents } : {}),
      network,
      aborted: hooks.signal?.aborted ?? false,
      error,
      schedule,
    },
    records: records ?? new RecordWriter().finish(),
    loadStalls,
    hiddenFailures,
    disruptions: raw.map((d) => ({ ...d, events: d.events.map((e) => ({ name: e.name, atUs: usSince(origin, e.atNs) })) })),
    proxyFiles,
  };
}

const lastEventUs = (d: RawDisruption, origin: bigint) => usSince(origin, d.events[d.events.length - 1].atNs);

function sleepUntil(originNs: bigint, dueMs: number, signal?: AbortSignal): Promise<void> {
  const waitMs = dueMs - usSince(originNs) / 1000;
  if (waitMs <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, waitMs);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The client of the harness's own load threads (here or on agents): Node's http2 for HTTP/2, else our own HTTP/1.1 client, versioned as the harness is. */
export function harnessClientOf(http2: boolean): LoadClientInfo {
  if (http2) return { name: 'node:http2', version: process.versions.node };
  return { name: 'downtime-harness h1', version: harnessVersion() };
}

/** In words, for the report: what the load spoke to `origin`. */
export const protocolOf = (origin: string, http2: boolean) =>
  http2 ? 'HTTP/2 over TLS' : origin.startsWith('https:') ? 'HTTP/1.1 over TLS' : 'HTTP/1.1';
