// Disruptions nobody announced: when the harness only watches a system (a deploy done by hand
// during `npm run measure`), it finds them in the records — failed requests, and stalls in which
// nothing succeeded for far longer than usual — and treats each as a switch, so every per-switch
// figure and threshold applies to it.
import { OUTCOME, type RecordSet } from '../records/records.ts';
import { percentileSorted } from './ordered.ts';
import type { Disruption } from './types.ts';

/** A stall counts when it is this many times the usual longest interval between successes… */
const STALL_FACTOR = 10;
/** …and at least this long (µs). */
const MIN_STALL_US = 100_000;

export function observedDisruptions(set: RecordSet, settleMs: number): Disruption[] {
  const bad: { from: number; to: number }[] = [];
  for (let i = 0; i < set.count; i++) if (set.outcome[i] !== OUTCOME.ok) bad.push({ from: set.start[i], to: set.end[i] });

  const okEnds: number[] = [];
  for (let i = 0; i < set.count; i++) if (set.outcome[i] === OUTCOME.ok) okEnds.push(set.end[i]);
  const intervals = Float64Array.from(okEnds.slice(1).map((t, k) => t - okEnds[k])).sort();
  const usual = intervals.length ? percentileSorted(intervals, 99.9) : Number.NaN;
  const stall = Math.max(MIN_STALL_US, usual * STALL_FACTOR);
  for (let k = 1; k < okEnds.length; k++) {
    if (okEnds[k] - okEnds[k - 1] > stall) bad.push({ from: okEnds[k - 1], to: okEnds[k] });
  }

  // Troubles closer together than the settle time are one disruption.
  bad.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const b of bad) {
    const last = merged[merged.length - 1];
    if (last && b.from - last.to <= settleMs * 1000) last.to = Math.max(last.to, b.to);
    else merged.push({ ...b });
  }
  return merged.map((m, i) => ({
    kind: 'switch',
    label: `observed disruption ${i + 1}`,
    events: [
      { name: 'observed-start', atUs: m.from },
      { name: 'observed-end', atUs: m.to },
    ],
  }));
}
