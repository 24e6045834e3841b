// Records + disruptions -> every figure docs/MEASUREMENT.md defines. Pure: no I/O, no clock.
import { CODE, httpCode } from '../records/failure-codes.ts';
import { COLOURS, OUTCOME, type HiddenFailure, type LoadStall, type RecordSet } from '../records/records.ts';
import { latencyHistograms, sendLag } from './latency.ts';
import { lowerBound, sortedByEnd, summarize, upperBound } from './ordered.ts';
import { buildTimeline } from './timeline.ts';
import type { Analysis, AnalysisOptions, Crossover, Disruption, DisruptionFigures, LoadStallFigures } from './types.ts';

const ms = (us: number) => Math.round(us) / 1000;

/** The name a failure is counted under (records/failure-codes.ts): the transport error code, or `HTTP <status>`. */
export function failureCode(set: RecordSet, i: number): string {
  return set.outcome[i] === OUTCOME.httpError ? httpCode(set.status[i]) : set.errorCodes[set.error[i]] || CODE.UNKNOWN;
}

interface Horizon {
  from: number;
  to: number;
}

export function analyze(
  input: RecordSet,
  disruptionsIn: Disruption[],
  opts: AnalysisOptions,
  stalls: LoadStall[] = [],
  hidden: HiddenFailure[] = [],
): Analysis {
  const set = sortedByEnd(input);
  // A disruption without events has no horizon to attribute failures to: left out, and said.
  const eventless = disruptionsIn.filter((d) => d.events.length === 0);
  const disruptions = disruptionsIn
    .filter((d) => d.events.length > 0)
    .map((d) => ({ ...d, events: [...d.events].sort((a, b) => a.atUs - b.atUs) }))
    .sort((a, b) => a.events[0].atUs - b.events[0].atUs);
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
  // An app that does not name its colour (your own, without x-served-by) leaves the crossover unknown.
  let coloured = false;
  for (let i = 0; i < set.count && !coloured; i++) coloured = set.outcome[i] === OUTCOME.ok && set.colour[i] !== 0;

  const figures = disruptions.map((d, index) => emptyFigures(d, index, horizons[index]));
  const windows: (Horizon | null)[] = figures.map(() => null); // failures' [earliest start, latest start], µs
  const totals = {
    requests: set.count,
    ok: okCount,
    failed: 0,
    httpErrors: 0,
    transportErrors: 0,
    failedOnReused: 0,
    byCode: {} as Record<string, number>,
    hiddenByRetry: hidden.length,
    hiddenByCode: {} as Record<string, number>,
    attemptFailures: hidden.length,
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
    totals.attemptFailures++;
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
    // Start to start: the span of send times that failed. Ending it at the last failure's end
    // would add that request's latency to every window (a 20 ms outage read 25–28 ms).
    windows[owner] = { from: Math.min(w?.from ?? Infinity, set.start[i]), to: Math.max(w?.to ?? -Infinity, set.start[i]) };
  }

  // A hidden attempt belongs to a switch as a failure would: by its start.
  for (const h of hidden) {
    totals.hiddenByCode[h.code] = (totals.hiddenByCode[h.code] ?? 0) + 1;
    const owner = attribute(horizons, h.startUs);
    if (owner >= 0) figures[owner].hiddenByRetry++;
  }

  // The reference is steady state: outside every horizon and after the warm-up, compared like
  // with like: a horizon's longest gap against the longest of at least as much steady time.
  const steadyFrom = opts.warmupMs * 1000;
  const gapReferenceUs = steadyGapReference(okEnds, horizons, steadyFrom, loadEnd);
  for (const [index, f] of figures.entries()) {
    const w = windows[index];
    if (w) {
      f.errorWindowMs = ms(w.to - w.from);
      f.errorWindow = { fromMs: ms(w.from), toMs: ms(w.to) };
    }
    // Where the next horizon begins, the time is the next disruption's (as its failures are);
    // a gap that began before is still this one's, and counted whole in both.
    const nextFrom = horizons[index + 1]?.from ?? Infinity;
    const gap = longestGap(okEnds, { from: horizons[index].from, to: Math.min(horizons[index].to, nextFrom) }, loadEnd);
    f.maxGapMs = ms(gap.length);
    f.maxGap = gap.length > 0 ? { fromMs: ms(gap.from), toMs: ms(gap.from + gap.length) } : null;
    f.excessGapMs = Number.isNaN(gapReferenceUs) ? null : Math.max(0, ms(gap.length - gapReferenceUs));
    f.loadStallMs = ms(longestStallIn(stalls, horizons[index]));
    const d = disruptions[index];
    if (d.kind === 'switch' && d.from && d.to && coloured) {
      f.crossover = crossover(set, d, horizons[index], Math.min(nextFrom, loadEnd));
    }
  }

  const switches = figures.filter((f) => f.kind === 'switch');
  const problems = switches
    .filter((f) => f.crossover && !f.crossover.tookEffect)
    .map((f) => `${f.label} did not take effect: ${formatShare(f.crossover!.newShareAfter)} of responses after it came from ${f.crossover!.to}`);
  if (set.count === 0) problems.push('no requests were recorded');
  const notes =
    coloured || !switches.length
      ? []
      : ['no successful response named the colour that served it, so whether each switch took effect was not checked'];
  for (const d of eventless) problems.push(`${d.label} recorded no events, so its failures could not be attributed to it`);

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
    notes,
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
    hiddenByRetry: 0,
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

/**
 * The longest interval with no successful completion that overlaps the window, whole: from the
 * last success before it (or the window's start, if none) to the first success after it (or the
 * end of the load, if none), so a gap crossing the window's edge is not cut short (µs).
 */
export function longestGap(okEnds: Float64Array, h: Horizon, loadEnd: number): { from: number; length: number } {
  const to = Math.min(h.to, Math.max(loadEnd, h.from));
  const first = upperBound(okEnds, h.from);
  let prev = first > 0 ? okEnds[first - 1] : h.from;
  let best = { from: prev, length: 0 };
  let k = first;
  for (; k < okEnds.length && prev < to; k++) {
    if (okEnds[k] - prev > best.length) best = { from: prev, length: okEnds[k] - prev };
    prev = okEnds[k];
  }
  // No success after the last one inside: the gap runs to the end of the load.
  if (prev < to && loadEnd - prev > best.length) best = { from: prev, length: loadEnd - prev };
  return best;
}

/**
 * The steady-state reference for maxGap: the longest interval between consecutive successes
 * that lies wholly in steady time (after the warm-up, outside every horizon). A horizon's
 * maxGap is the maximum over the horizon's length, so the reference is a maximum too, over at
 * least as much time: NaN (no reference) when steady time is shorter than the longest horizon.
 */
export function steadyGapReference(okEnds: Float64Array, horizons: Horizon[], steadyFrom: number, loadEnd: number): number {
  const inHorizon = (a: number, b: number) => horizons.some((h) => a <= h.to && b >= h.from);
  // Steady time: [steadyFrom, loadEnd] minus the union of the horizons.
  const sorted = [...horizons].sort((x, y) => x.from - y.from);
  let steadyUs = 0;
  let cursor = steadyFrom;
  for (const h of sorted) {
    if (h.from > cursor) steadyUs += Math.min(h.from, loadEnd) - cursor;
    cursor = Math.max(cursor, h.to);
  }
  if (loadEnd > cursor) steadyUs += loadEnd - cursor;
  const longestHorizon = Math.max(0, ...horizons.map((h) => h.to - h.from));
  if (steadyUs <= 0 || steadyUs < longestHorizon) return Number.NaN;
  let longest = Number.NaN;
  for (let k = upperBound(okEnds, steadyFrom); k < okEnds.length; k++) {
    const a = okEnds[k - 1];
    if (a === undefined || a < steadyFrom || inHorizon(a, okEnds[k])) continue;
    const gap = okEnds[k] - a;
    if (!(gap <= longest)) longest = gap;
  }
  return longest;
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
