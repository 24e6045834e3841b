// One measured run: stack up, load on, disruptions at their times, steady cool-down, load off,
// stack down. This is the orchestrator's thread; the load runs in its own worker thread.
// After the load has started, nothing is lost: a failure or Ctrl-C still returns every record.
import { createRequire } from 'node:module';
import { cpus, hostname, platform, release } from 'node:os';
import { nowNs, usSince } from '../clock.ts';
import type { Disruption } from '../analysis/types.ts';
import { startLoad, type RunningLoad } from '../load/generator.ts';
import type { RecordSet } from '../records/records.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { StackInfo, Target } from '../stack/stack.ts';
import { sweepLeftovers } from '../stack/sweep.ts';
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

export interface RunMeta {
  startedAt: string;
  proxy: { kind: string; version: string };
  /** the driver, the path the traffic took, the images (Docker); absent in runs stored before drivers */
  stack?: StackInfo;
  node: string;
  /** the client's version matters: how it handles a socket closed while idle shifts the figures */
  undici: string;
  machine: { hostname: string; platform: string; release: string; cpus: number; cpuModel: string };
  aborted: boolean;
  error: string | null;
}

export interface RunOutput {
  scenario: Scenario;
  meta: RunMeta;
  records: RecordSet;
  disruptions: Disruption[];
  proxyFiles: Record<string, string>;
}

export interface RunHooks {
  signal?: AbortSignal;
  /** lines about setting up (e.g. an image being built), for stderr */
  log?: (line: string) => void;
  onProgress?: (state: { elapsedMs: number; totalMs: number; requests: number; failed: number; step: string }) => void;
}

/**
 * Throws (CannotMeasure) only when the stack could not start, before any load; after that,
 * errors end the run early and come back in `meta.error` with everything measured so far.
 */
export async function runScenario<T extends Target>(
  scenario: Scenario,
  start: (scenario: Scenario, log: (line: string) => void) => Promise<T>,
  plan: PlannedAction<T>[],
  hooks: RunHooks = {},
): Promise<RunOutput> {
  const startedAt = new Date().toISOString();
  await sweepLeftovers();
  const stack = await start(scenario, hooks.log ?? ((line) => process.stderr.write(`${line}\n`)));
  let load: RunningLoad | null = null;
  let error: string | null = null;
  const proxyFiles: Record<string, string> = {};
  let step = 'warm-up';
  const raw: RawDisruption[] = [];
  // A proxy or app that dies mid-run ends the run at once, named, rather than showing up
  // later as unexplained background failures.
  let crash: string | null = null;
  const crashed = new AbortController();
  void stack.failure.then((why) => {
    crash = why;
    crashed.abort();
  });
  const signal = hooks.signal ? AbortSignal.any([hooks.signal, crashed.signal]) : crashed.signal;
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
    load = await startLoad({
      url: `${stack.origin}${scenario.load.path}`,
      connections: scenario.load.connections,
      timeoutMs: scenario.load.timeoutMs,
      clientKeepAlive: scenario.load.clientKeepAlive,
      successMin: scenario.load.successStatus[0],
      successMax: scenario.load.successStatus[1],
      // The orchestrator stops it; this bound holds if the orchestrator cannot.
      maxDurationMs: scenario.load.durationMs * 2 + 60_000,
      maxRequests: scenario.load.maxRequests,
      capacityHint: Math.min(scenario.load.maxRequests, Math.ceil(scenario.load.durationMs * EXPECTED_MAX_RATE_PER_MS)),
    });
    const origin = load.originNs;
    for (const action of plan) {
      await sleepUntil(origin, action.dueMs, signal);
      if (signal?.aborted) break;
      step = action.label;
      raw.push(await action.act(stack));
      step = 'between switches';
    }
    step = 'cool-down';
    const lastEventMs = raw.length ? lastEventUs(raw[raw.length - 1], origin) / 1000 : 0;
    await sleepUntil(origin, Math.max(scenario.load.durationMs, lastEventMs + scenario.load.cooldownMs), signal);
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
  try {
    if (load) records = await load.stop();
  } catch (err) {
    error ??= (err as Error).message;
  }
  await stack.stop();
  const origin = load?.originNs ?? nowNs();
  return {
    scenario,
    meta: {
      startedAt,
      proxy: { kind: stack.proxy.kind, version: stack.proxy.version },
      stack: stack.info,
      node: process.version,
      undici: UNDICI_VERSION,
      machine: { hostname: hostname(), platform: platform(), release: release(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '' },
      aborted: hooks.signal?.aborted ?? false,
      error,
    },
    records: records ?? emptyRecords(),
    disruptions: raw.map((d) => ({ ...d, events: d.events.map((e) => ({ name: e.name, atUs: usSince(origin, e.atNs) })) })),
    proxyFiles,
  };
}

const UNDICI_VERSION = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;

/** Above what a 2-core machine sends through nginx (~20k req/s); a faster one grows the arrays. */
const EXPECTED_MAX_RATE_PER_MS = 40;

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

function emptyRecords(): RecordSet {
  return {
    count: 0,
    start: new Float64Array(0),
    end: new Float64Array(0),
    outcome: new Uint8Array(0),
    status: new Uint16Array(0),
    error: new Uint8Array(0),
    conn: new Uint32Array(0),
    reused: new Uint8Array(0),
    colour: new Uint8Array(0),
    errorCodes: [''],
  };
}
