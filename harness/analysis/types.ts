// The analysis stage's input and output. Output times are milliseconds since the load origin.
import type { Colour } from '../records/records.ts';

/** Something that disturbs the service on purpose: a switch, or an injected outage. */
export interface Disruption {
  kind: 'switch' | 'outage';
  label: string;
  from?: Colour;
  to?: Colour;
  /** µs since the load origin, in time order */
  events: { name: string; atUs: number }[];
}

export interface AnalysisOptions {
  settleMs: number;
  bucketMs: number;
  /** load before this is warm-up: not part of the steady-state reference */
  warmupMs: number;
}

/** Across switches; every statistic null when no switch had the figure (a stopped run's excessGap). */
export interface Summary {
  count: number;
  min: number | null;
  median: number | null;
  mean: number | null;
  max: number | null;
}

export interface Crossover {
  from: Colour;
  to: Colour;
  /** last successful response from the old colour after the switch began */
  lastOldMs: number | null;
  /** first successful response from the new colour after the switch began */
  firstNewMs: number | null;
  /** share of successful responses from the new colour after the switch settled */
  newShareAfter: number | null;
  tookEffect: boolean;
}

export interface DisruptionFigures {
  index: number;
  kind: Disruption['kind'];
  label: string;
  events: { name: string; atMs: number }[];
  horizon: { fromMs: number; toMs: number };
  failedRequests: number;
  /** failures whose request went out on a connection that had served before */
  failedOnReused: number;
  /** failed first attempts a retrying client resent (load.client retrying): the wire saw them, the user did not */
  hiddenByRetry: number;
  byCode: Record<string, number>;
  errorWindowMs: number;
  errorWindow: { fromMs: number; toMs: number } | null;
  maxGapMs: number;
  maxGap: { fromMs: number; toMs: number } | null;
  /** null when the run had no steady state to take a reference from */
  excessGapMs: number | null;
  crossover: Crossover | null;
  /**
   * the longest stall of a load thread's own event loop overlapping the horizon, ms (0: none of
   * 1 ms or more): a gap no longer than this may be the meter's, not the proxy's
   */
  loadStallMs: number;
}

/** The load threads' own event-loop stalls (timers ≥ 1 ms late) over the whole run. */
export interface LoadStallFigures {
  count: number;
  /** stalls of 5 ms or more */
  over5ms: number;
  longestMs: number;
  /** when the longest began, ms since the origin; null when there was none */
  longestAtMs: number | null;
  totalMs: number;
}

export interface LatencySummary {
  count: number;
  /** milliseconds */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
  /** HdrHistogram compressed base64, values in µs */
  encoded: string;
}

export interface Timeline {
  bucketMs: number;
  /** counts per bucket by the request's end */
  ok: number[];
  failed: number[];
  blue: number[];
  green: number[];
  failedByCode: Record<string, number[]>;
}

export interface Analysis {
  totals: {
    requests: number;
    ok: number;
    failed: number;
    httpErrors: number;
    transportErrors: number;
    failedOnReused: number;
    byCode: Record<string, number>;
    /** failed first attempts a retrying client resent, and their codes: what the user did not see */
    hiddenByRetry: number;
    hiddenByCode: Record<string, number>;
    /** every failed attempt the wire saw: failed + hiddenByRetry */
    attemptFailures: number;
    backgroundFailures: number;
    durationMs: number;
    okPerSecond: number;
    /** requests sent per second, whatever their outcome: the open model's achieved rate */
    requestsPerSecond: number;
    connections: number;
  };
  /**
   * the longest interval between successful completions after warm-up, outside every horizon;
   * null when steady time is shorter than the longest horizon (no like-with-like reference)
   */
  gapReferenceMs: number | null;
  disruptions: DisruptionFigures[];
  /** across switches: failedRequests, errorWindowMs, maxGapMs, excessGapMs */
  switchStats: Record<'failedRequests' | 'errorWindowMs' | 'maxGapMs' | 'excessGapMs', Summary>;
  timeline: Timeline;
  latency: {
    overall: LatencySummary;
    steady: LatencySummary;
    switching: LatencySummary;
    /**
     * from when each request was due (`scheduled`) to its end: in the open model, corrected for
     * coordinated omission (a stalled target or client shows as latency, not as missing requests)
     */
    fromScheduled: LatencySummary;
  };
  /** how late requests went out: start − scheduled, ms (the open model's scheduling error) */
  sendLag: { p50: number; p99: number; p999: number; max: number };
  loadStalls: LoadStallFigures;
  /** reasons the run cannot be trusted as a measurement of what it meant to measure */
  problems: string[];
  /** what the analysis could not check, and why (e.g. no response named its colour) */
  notes?: string[];
  /** load from several agents: each one's figures, and the uncertainty their clocks add */
  agents?: AgentsAnalysis;
}

export interface AgentFigures {
  agent: number;
  task: string;
  host: string;
  requests: number;
  ok: number;
  failed: number;
  backgroundFailures: number;
  okPerSecond: number;
  /** per disruption, in the run's order: this agent's failed requests */
  failedPerDisruption: number[];
  /** latency of its successful requests: the round trip to the target as this agent sees it */
  latencyMs: { p50: number; p99: number };
  clock: { offsetMs: number; errorMs: number; roundTripMs: [number, number]; driftPpm: number };
}

export interface AgentsAnalysis {
  /** ± on every errorWindowMs and maxGapMs (and excessGapMs): the two largest agents' alignment errors together */
  gapUncertaintyMs: number;
  agents: AgentFigures[];
}
