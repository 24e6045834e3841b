// The data behind the charts, computed in the harness so a page never carries more than a few
// thousand points per chart: bucketing, spike-keeping downsampling, and the per-switch zoom
// windows (1 ms buckets around each reload, built from the raw records). Pure: no I/O.
import * as hdr from 'hdr-histogram-js';
import { failureCode } from '../analysis/analyze.ts';
import { lowerBound, sortedByEnd } from '../analysis/ordered.ts';
import type { DisruptionFigures, LatencySummary } from '../analysis/types.ts';
import { OUTCOME, type RecordSet } from '../records/records.ts';

export type Point = [x: number, y: number];

/** Sums every `factor` consecutive buckets into one: counts stay counts, so spikes stay. */
export function mergeBuckets(series: readonly number[], factor: number): number[] {
  if (factor <= 1) return [...series];
  const out: number[] = [];
  for (let i = 0; i < series.length; i += factor) {
    let sum = 0;
    for (let j = i; j < Math.min(series.length, i + factor); j++) sum += series[j];
    out.push(sum);
  }
  return out;
}

/**
 * At most `maxPoints` points: the series is cut into maxPoints/2 slices and each keeps its
 * minimum and its maximum, in time order. A one-bucket dip (a gap) or spike survives any ratio.
 */
export function minMaxDownsample(points: readonly Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints) return [...points];
  const slices = Math.max(1, Math.floor(maxPoints / 2));
  const size = points.length / slices;
  const out: Point[] = [];
  for (let s = 0; s < slices; s++) {
    const from = Math.floor(s * size);
    const to = Math.min(points.length, Math.floor((s + 1) * size));
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (points[i][1] < points[lo][1]) lo = i;
      if (points[i][1] > points[hi][1]) hi = i;
    }
    if (lo === hi) out.push(points[lo]);
    else if (lo < hi) out.push(points[lo], points[hi]);
    else out.push(points[hi], points[lo]);
  }
  return out;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last points and, per
 * bucket, the point making the largest triangle with its neighbours, so extremes survive.
 */
export function lttb(points: readonly Point[], threshold: number): Point[] {
  if (threshold >= points.length || threshold < 3) return [...points];
  const out: Point[] = [points[0]];
  const every = (points.length - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextFrom = Math.floor((i + 1) * every) + 1;
    const nextTo = Math.min(points.length, Math.floor((i + 2) * every) + 1);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextFrom; j < nextTo; j++) {
      avgX += points[j][0];
      avgY += points[j][1];
    }
    const n = Math.max(1, nextTo - nextFrom);
    avgX /= n;
    avgY /= n;
    const from = Math.floor(i * every) + 1;
    const to = Math.floor((i + 1) * every) + 1;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const area = Math.abs((points[a][0] - avgX) * (points[j][1] - points[a][1]) - (points[a][0] - points[j][0]) * (avgY - points[a][1]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best]);
    a = best;
  }
  out.push(points[points.length - 1]);
  return out;
}

/** Buckets as [seconds, count] points. */
export const asPoints = (series: readonly number[], bucketMs: number, scale = 1000): Point[] =>
  series.map((y, i) => [round3((i * bucketMs) / scale), y]);

/** Only the non-zero buckets: failures are rare, so their series are tiny. */
export const nonZero = (points: readonly Point[]): Point[] => points.filter((p) => p[1] !== 0);

export const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** One switch's neighbourhood at fine resolution, x in ms relative to the reload signal. */
export interface ZoomWindow {
  label: string;
  /** ms since load start of the reload signal (or the disruption's first event) */
  centreMs: number;
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** successful responses per bucket by colour ('' = unnamed) */
  blue: number[];
  green: number[];
  other: number[];
  /** failures per bucket by code (only codes that occur) */
  failedByCode: Record<string, number[]>;
  /** events relative to the centre */
  events: { name: string; atMs: number }[];
  errorWindow: { fromMs: number; toMs: number } | null;
  maxGap: { fromMs: number; toMs: number } | null;
  failedRequests: number;
  errorWindowMs: number;
  maxGapMs: number;
}

/**
 * Per disruption, the records whose end lies within ±halfWidthMs of its reload signal, in
 * bucketMs buckets by end. One pass over the records per window, from a binary search: the
 * records are sorted by end (the load worker appends in completion order).
 */
/** What a zoom is centred on: the reload, or what stands for it (your command's end, an outage). */
const CENTRES = ['reload-signalled', 'switch-command-ended', 'outage-start'];

export function zoomWindows(input: RecordSet, disruptions: readonly DisruptionFigures[], halfWidthMs = 500, bucketMs = 1): ZoomWindow[] {
  const set = sortedByEnd(input);
  return disruptions.map((d) => {
    const centre = (d.events.find((e) => CENTRES.includes(e.name)) ?? d.events[0])?.atMs ?? 0;
    const fromMs = centre - halfWidthMs;
    const toMs = centre + halfWidthMs;
    const n = Math.ceil((2 * halfWidthMs) / bucketMs);
    const zeros = () => new Array<number>(n).fill(0);
    const w: ZoomWindow = {
      label: d.label,
      centreMs: centre,
      fromMs,
      toMs,
      bucketMs,
      blue: zeros(),
      green: zeros(),
      other: zeros(),
      failedByCode: {},
      events: d.events.map((e) => ({ name: e.name, atMs: round3(e.atMs - centre) })),
      errorWindow: d.errorWindow && { fromMs: round3(d.errorWindow.fromMs - centre), toMs: round3(d.errorWindow.toMs - centre) },
      maxGap: d.maxGap && { fromMs: round3(d.maxGap.fromMs - centre), toMs: round3(d.maxGap.toMs - centre) },
      failedRequests: d.failedRequests,
      errorWindowMs: d.errorWindowMs,
      maxGapMs: d.maxGapMs,
    };
    const fromUs = fromMs * 1000;
    const toUs = toMs * 1000;
    for (let i = lowerBound(set.end, fromUs); i < set.count; i++) {
      const end = set.end[i];
      if (end >= toUs) break;
      const b = Math.min(n - 1, Math.floor((end / 1000 - fromMs) / bucketMs));
      if (set.outcome[i] === OUTCOME.ok) {
        const c = set.colour[i];
        (c === 1 ? w.blue : c === 2 ? w.green : w.other)[b]++;
      } else {
        (w.failedByCode[failureCode(set, i)] ??= zeros())[b]++;
      }
    }
    return w;
  });
}

/**
 * [1/(1-p), ms] points of a latency histogram for an HdrHistogram-style plot: x log-spaced
 * (perDecade points per factor of 10, up to the sample count), ending at the maximum.
 */
export function percentileCurve(l: LatencySummary, perDecade = 10): Point[] {
  if (l.count === 0) return [];
  const h = hdr.decodeFromCompressedBase64(l.encoded);
  const out: Point[] = [];
  // Beyond count the percentiles only repeat the maximum.
  const maxX = Math.min(1e6, Math.max(10, h.totalCount));
  for (let k = 0; ; k++) {
    const x = 10 ** (k / perDecade);
    if (x > maxX) break;
    const p = 100 * (1 - 1 / x);
    out.push([round3(x), h.getValueAtPercentile(p) / 1000]);
  }
  out.push([round3(maxX), h.maxValue / 1000]);
  return out;
}
