// Records + disruptions -> every figure MEASUREMENT.md defines. Pure: no I/O, no clock.
import { COLOURS, OUTCOME, type LoadStall, type RecordSet } from '../records/records.ts';
import { latencyHistograms, sendLag } from './latency.ts';
import { lowerBound, percentileSorted, sortedByEnd, summarize, upperBound } from './ordered.ts';
import { buildTimeline } from './timeline.ts';
import type { Analysis, AnalysisOptions, Crossover, Disruption, DisruptionFigures, LoadStallFigures } from './types.ts';

const ms = (us: number) => Math.round(us) / 1000;

/** The name a failure is counted under: the transport error code, or `HTTP <status>`. */
export function failureCode(set: RecordSet, i: number): string {
  return set.outcome[i] === OUTCOME.httpError ? `HTTP ${set.status[i]}` : set.errorCodes[set.error[i]] || 'unknown';
}

interface Horizon {
  from: number;
  to: number;
}

export function analyze(input: RecordSet, disruptionsIn: Disruption[], opts: AnalysisOptions, stalls: LoadStall[] = []): Analysis {
  const set = sortedByEnd(input);
  const disruptions = [...disruptionsIn].sort((a, b) => a.events[0].atUs - b.events[0].atUs);
  const horizons: Horizon[] = disruptions.map((d) => ({
    from: d.events[0].atUs,
    to: d.events[d.events.length - 1].atUs + opts.settleMs * 1000,
  }));
  const inAnyHorizon = (t: number) => horizons.some((h) => t >= h.from && t <= h.to);
  const loadEnd = set.count ? set.end[set.count - 1] : 0;

  // Successful completion times (sorted, since records are sorted by end).
  let okCount = 0;
  for (let i = 0; i < set.count; i++) if (set.outcome[i] === OUTCOME.ok) okCount++;
  const okEnds = new Float64Array(okCount);
  for (let i = 0, k = 0; i < set.count; i++) if (set.outcome[i] === OUTCOME.ok) okEnds[k++] = set.end[i];

  const figures = disruptions.map((d, index) => emptyFigures(d, index, horizons[index]));
  const windows: (Horizon | null)[] = figures.map(() => null); // failures' [earliest start, latest end], µs
  const totals = {
    requests: set.count,
    ok: okCount,
    failed: 0,
    httpErrors: 0,
    transportErrors: 0,
    failedOnReused: 0,
    byCode: {} as Record<string, number>,
    backgroundFailures: 0,
    durationMs: ms(loadEnd),
    okPerSecond: loadEnd > 0 ? Math.round((okCount / loadEnd) * 1e6) : 0,
    requestsPerSecond: loadEnd > 0 ? Math.round((set.count / loadEnd) * 1e6) : 0,
    connections: new Set(set.conn).size,
  };

  for (let i = 0; i < set.count; i++) {
    const outcome = set.outcome[i];
    if (outcome === OUTCOME.ok) continue;
    const code = failureCode(set, i);
    totals.failed++;
    if (outcome === OUTCOME.httpError) totals.httpErrors++;
    else totals.transportErrors++;
    totals.byCode[code] = (totals.byCode[code] ?? 0) + 1;
    totals.failedOnReused += set.reused[i];
    const owner = attribute(horizons, set.start[i]);
    if (owner < 0) {
      totals.backgroundFailures++;
      continue;
    }
    const f = figures[owner];
    f.failedRequests++;
    f.failedOnReused += set.reused[i];
    f.byCode[code] = (f.byCode[code] ?? 0) + 1;
    const w = windows[owner];
    windows[owner] = { from: Math.min(w?.from ?? Infinity, set.start[i]), to: Math.max(w?.to ?? -Infinity, set.end[i]) };
  }

  // The reference is steady state: outside every horizon and after the warm-up.
  const steadyFrom = opts.warmupMs * 1000;
  const gapReferenceUs = steadyGapReference(okEnds, (t) => t < steadyFrom || inAnyHorizon(t));
  for (const [index, f] of figures.entries()) {
    const w = windows[index];
    if (w) {
      f.errorWindowMs = ms(w.to - w.from);
      f.errorWindow = { fromMs: ms(w.from), toMs: ms(w.to) };
    }
    // Where the next horizon begins, the time is the next disruption's (as its failures are).
    const nextFrom = horizons[index + 1]?.from ?? Infinity;
    const gap = longestGap(okEnds, { from: horizons[index].from, to: Math.min(horizons[index].to, nextFrom) }, loadEnd);
    f.maxGapMs = ms(gap.length);
    f.maxGap = gap.length > 0 ? { fromMs: ms(gap.from), toMs: ms(gap.from + gap.length) } : null;
    f.excessGapMs = Number.isNaN(gapReferenceUs) ? null : Math.max(0, ms(gap.length - gapReferenceUs));
    f.loadStallMs = ms(longestStallIn(stalls, horizons[index]));
    const d = disruptions[index];
    if (d.kind === 'switch' && d.from && d.to) {
      f.crossover = crossover(set, d, horizons[index], Math.min(nextFrom, loadEnd));
    }
  }

  const switches = figures.filter((f) => f.kind === 'switch');
  const problems = switches
    .filter((f) => f.crossover && !f.crossover.tookEffect)
    .map((f) => `${f.label} did not take effect: ${formatShare(f.crossover!.newShareAfter)} of responses after it came from ${f.crossover!.to}`);
  if (set.count === 0) problems.push('no requests were recorded');

  return {
    totals,
    gapReferenceMs: Number.isNaN(gapReferenceUs) ? null : ms(gapReferenceUs),
    disruptions: figures,
    switchStats: {
      failedRequests: summarize(switches.map((f) => f.failedRequests)),
      errorWindowMs: summarize(switches.map((f) => f.errorWindowMs)),
      maxGapMs: summarize(switches.map((f) => f.maxGapMs)),
      excessGapMs: summarize(switches.flatMap((f) => (f.excessGapMs === null ? [] : [f.excessGapMs]))),
    },
    timeline: buildTimeline(set, opts.bucketMs, loadEnd, failureCode),
    latency: latencyHistograms(set, inAnyHorizon),
    sendLag: sendLag(set),
    loadStalls: stallFigures(stalls),
    problems,
  };
}

const formatShare = (s: number | null) => (s === null ? 'none' : `${(s * 100).toFixed(1)}%`);

function emptyFigures(d: Disruption, index: number, h: Horizon): DisruptionFigures {
  return {
    index,
    kind: d.kind,
    label: d.label,
    events: d.events.map((e) => ({ name: e.name, atMs: ms(e.atUs) })),
    horizon: { fromMs: ms(h.from), toMs: ms(h.to) },
    failedRequests: 0,
    failedOnReused: 0,
    byCode: {},
    errorWindowMs: 0,
    errorWindow: null,
    maxGapMs: 0,
    maxGap: null,
    excessGapMs: null,
    crossover: null,
    loadStallMs: 0,
  };
}

/** The longest load-thread stall that overlaps the horizon, µs (0: none). */
function longestStallIn(stalls: LoadStall[], h: Horizon): number {
  let longest = 0;
  for (const s of stalls) if (s.atUs <= h.to && s.atUs + s.lengthUs >= h.from) longest = Math.max(longest, s.lengthUs);
  return longest;
}

function stallFigures(stalls: LoadStall[]): LoadStallFigures {
  let longest: LoadStall | null = null;
  let totalUs = 0;
  for (const s of stalls) {
    totalUs += s.lengthUs;
    if (!longest || s.lengthUs > longest.lengthUs) longest = s;
  }
  return {
    count: stalls.length,
    over5ms: stalls.filter((s) => s.lengthUs >= 5000).length,
    longestMs: longest ? ms(longest.lengthUs) : 0,
    longestAtMs: longest ? ms(longest.atUs) : null,
    totalMs: ms(totalUs),
  };
}

/**
 * The disruption a failure belongs to: of the horizons containing its start, the one that began
 * last (when horizons overlap, the newer disruption is the likelier cause). -1: background.
 */
export function attribute(horizons: Horizon[], start: number): number {
  for (let i = horizons.length - 1; i >= 0; i--) {
    if (start >= horizons[i].from && start <= horizons[i].to) return i;
  }
  return -1;
}

/** Longest interval inside the horizon with no successful completion (µs). */
export function longestGap(okEnds: Float64Array, h: Horizon, loadEnd: number): { from: number; length: number } {
  const to = Math.min(h.to, Math.max(loadEnd, h.from));
  let best = { from: h.from, length: 0 };
  let prev = h.from;
  for (let k = upperBound(okEnds, h.from); k < okEnds.length && okEnds[k] <= to; k++) {
    if (okEnds[k] - prev > best.length) best = { from: prev, length: okEnds[k] - prev };
    prev = okEnds[k];
  }
  if (to - prev > best.length) best = { from: prev, length: to - prev };
  return best;
}

/** p99.9 of the intervals between consecutive successful completions in steady state; NaN if none. */
export function steadyGapReference(okEnds: Float64Array, excluded: (t: number) => boolean): number {
  const gaps: number[] = [];
  for (let k = 1; k < okEnds.length; k++) {
    if (!excluded(okEnds[k - 1]) && !excluded(okEnds[k])) gaps.push(okEnds[k] - okEnds[k - 1]);
  }
  return percentileSorted(Float64Array.from(gaps).sort(), 99.9);
}

function crossover(set: RecordSet, d: Disruption, h: Horizon, nextFrom: number): Crossover {
  const from = COLOURS.indexOf(d.from!);
  const to = COLOURS.indexOf(d.to!);
  let lastOld: number | null = null;
  let firstNew: number | null = null;
  for (let i = lowerBound(set.end, h.from); i < set.count && set.end[i] <= nextFrom; i++) {
    if (set.outcome[i] !== OUTCOME.ok) continue;
    if (set.colour[i] === from) lastOld = set.end[i];
    else if (firstNew === null && set.colour[i] === to) firstNew = set.end[i];
  }
  // After the horizon; when the next switch starts inside it, after this switch's last event.
  const lastEvent = d.events[d.events.length - 1].atUs;
  let share = newShare(set, to, h.to, nextFrom);
  if (share === null) share = newShare(set, to, lastEvent, nextFrom);
  return {
    from: d.from!,
    to: d.to!,
    lastOldMs: lastOld === null ? null : ms(lastOld),
    firstNewMs: firstNew === null ? null : ms(firstNew),
    newShareAfter: share,
    tookEffect: share !== null && share >= 0.99,
  };
}

function newShare(set: RecordSet, colour: number, from: number, to: number): number | null {
  let ok = 0;
  let fromNew = 0;
  for (let i = lowerBound(set.end, from); i < set.count && set.end[i] <= to; i++) {
    if (set.outcome[i] !== OUTCOME.ok) continue;
    ok++;
    if (set.colour[i] === colour) fromNew++;
  }
  return ok === 0 ? null : fromNew / ok;
}
