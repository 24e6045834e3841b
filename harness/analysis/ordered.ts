// Helpers over sorted typed arrays.
import { COLUMNS, type RecordSet } from '../records/records.ts';

/** The load worker appends in completion order, so `end` is sorted; hand-made sets may not be. */
export function sortedByEnd(set: RecordSet): RecordSet {
  let sorted = true;
  for (let i = 1; i < set.count && sorted; i++) sorted = set.end[i - 1] <= set.end[i];
  if (sorted) return set;
  const order = Array.from({ length: set.count }, (_, i) => i).sort((a, b) => set.end[a] - set.end[b]);
  const out: Record<string, unknown> = { count: set.count, errorCodes: set.errorCodes };
  for (const [name, Type] of COLUMNS) {
    const src = set[name];
    const dst = new Type(set.count);
    for (let i = 0; i < order.length; i++) dst[i] = src[order[i]];
    out[name] = dst;
  }
  return out as unknown as RecordSet;
}

/** First index i with a[i] > x (a sorted ascending), a.length if none. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] >= x. */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentileSorted(a: ArrayLike<number>, p: number): number {
  if (a.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * a.length);
  return a[Math.min(a.length - 1, Math.max(0, rank - 1))];
}

/** Median of an ascending array (the mean of the middle two for an even count); NaN when empty. */
export function medianSorted(a: ArrayLike<number>): number {
  if (a.length === 0) return Number.NaN;
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}

/** Over no values every statistic is missing (null), not 0: a run with no figure to summarize has none. */
export function summarize(values: number[]): { count: number; min: number | null; median: number | null; mean: number | null; max: number | null } {
  if (values.length === 0) return { count: 0, min: null, median: null, mean: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, min: s[0], median: medianSorted(s), mean: s.reduce((a, b) => a + b, 0) / s.length, max: s[s.length - 1] };
}
