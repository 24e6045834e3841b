// Thresholds: each names a figure, a bound (an upper or a lower limit) and the statistic it
// applies to across every switch of every repeat (per-switch figures) or across repeats
// (per-run figures). Pure: no I/O.
import type { Expectations, Stat, Threshold, ThresholdName } from '../scenario/schema.ts';
import { FIGURES, formatFigure, measured, pooled, statistic, type FigureName, type RepeatFigures } from './figures.ts';

export const THRESHOLDS: Record<ThresholdName, { figure: FigureName; bound: 'max' | 'min'; flag: string }> = {
  maxFailed: { figure: 'failed', bound: 'max', flag: '--max-failed' },
  minFailed: { figure: 'failed', bound: 'min', flag: '--min-failed' },
  maxFailedPerSwitch: { figure: 'failedPerSwitch', bound: 'max', flag: '--max-failed-per-switch' },
  maxErrorWindowMs: { figure: 'errorWindowMs', bound: 'max', flag: '--max-error-window' },
  maxGapMs: { figure: 'maxGapMs', bound: 'max', flag: '--max-gap' },
  maxExcessGapMs: { figure: 'excessGapMs', bound: 'max', flag: '--max-excess-gap' },
  maxBackgroundFailures: { figure: 'backgroundFailures', bound: 'max', flag: '--max-background-failures' },
  minThroughput: { figure: 'okPerSecond', bound: 'min', flag: '--min-throughput' },
  p99LatencyMs: { figure: 'p99LatencyMs', bound: 'max', flag: '--p99-latency' },
};

/** The worst case unless told otherwise: max against an upper limit, min against a lower one. */
export const defaultStat = (bound: 'max' | 'min'): Stat => bound;

export interface ThresholdResult {
  name: ThresholdName;
  figure: FigureName;
  bound: 'max' | 'min';
  stat: Stat;
  limit: number;
  /** the statistic over every measured value; null when there was none */
  value: number | null;
  /** how many values it was taken over */
  count: number;
  /** pass: holds; fail: broken; missing: no value to judge (never a pass) */
  status: 'pass' | 'fail' | 'missing';
  /** repeats whose own figures, alone, break the threshold: flakiness */
  brokenInRepeats: number;
  repeats: number;
  /** e.g. "maxFailed: failed requests per run (max over 5 repeats) = 187, limit <= 0" */
  message: string;
}

/** "maxFailed ≤ 0", with the statistic when it is not the worst case. */
export const thresholdText = (t: Pick<ThresholdResult, 'name' | 'figure' | 'bound' | 'stat' | 'limit'>) =>
  `${t.name} ${t.bound === 'max' ? '≤' : '≥'} ${formatFigure(t.limit, t.figure)}${t.stat !== t.bound ? ` (${t.stat})` : ''}`;

/** thresholdText of a declared threshold, before it is judged. */
export const declaredText = (name: ThresholdName, t: Threshold) =>
  thresholdText({ name, figure: THRESHOLDS[name].figure, bound: THRESHOLDS[name].bound, stat: t.stat ?? defaultStat(THRESHOLDS[name].bound), limit: t.limit });

export const holds = (value: number, bound: 'max' | 'min', limit: number) => (bound === 'max' ? value <= limit : value >= limit);

export function evaluateThreshold(name: ThresholdName, threshold: Threshold, repeats: readonly Partial<RepeatFigures>[]): ThresholdResult {
  const { figure, bound } = THRESHOLDS[name];
  const stat = threshold.stat ?? defaultStat(bound);
  const values = pooled(repeats, figure);
  const value = statistic(values, stat);
  const brokenInRepeats = repeats.filter((r) => {
    const v = statistic(measured(r[figure]), stat);
    return v !== null && !holds(v, bound, threshold.limit);
  }).length;
  const status = value === null ? 'missing' : holds(value, bound, threshold.limit) ? 'pass' : 'fail';
  const n = (count: number, what: string) => `${count} ${count === 1 ? what : what === 'switch' ? 'switches' : `${what}s`}`;
  const over = FIGURES[figure].per === 'switch' ? `over ${n(values.length, 'switch')} of ${n(repeats.length, 'repeat')}` : `over ${n(repeats.length, 'repeat')}`;
  const limitText = `limit ${bound === 'max' ? '<=' : '>='} ${formatFigure(threshold.limit, figure)}`;
  const message =
    status === 'missing'
      ? `${name}: ${FIGURES[figure].label} was not measured (no value in ${n(repeats.length, 'repeat')}), ${limitText}`
      : `${name}: ${FIGURES[figure].label} (${stat} ${over}) = ${formatFigure(value, figure)}, ${limitText}` +
        (status === 'fail' || brokenInRepeats ? `; broken in ${brokenInRepeats} of ${repeats.length} repeats` : '');
  return { name, figure, bound, stat, limit: threshold.limit, value, count: values.length, status, brokenInRepeats, repeats: repeats.length, message };
}

/** Every threshold the expectations declare, in a stable order, each with its own statistic. */
export function evaluateThresholds(expect: Partial<Expectations>, repeats: readonly Partial<RepeatFigures>[]): ThresholdResult[] {
  return (Object.keys(THRESHOLDS) as ThresholdName[])
    .filter((name) => expect[name] !== undefined)
    .map((name) => evaluateThreshold(name, expect[name]!, repeats));
}

/** Whether a scenario (as written, or validated) declares any threshold. */
export const declaresThresholds = (expect: Partial<Record<ThresholdName | 'knownBad', unknown>> | undefined) =>
  expect !== undefined && (Object.keys(THRESHOLDS) as ThresholdName[]).some((name) => expect[name] !== undefined);

/** The failure a known-bad reference is kept for: its note up to the first ";". */
export const knownBadFailure = (note: string) => note.split(';')[0].trim();

/** Statistics known to be ordered whatever the values: min ≤ median ≤ p95 ≤ max (mean only between min and max). */
const RANK: Partial<Record<Stat, number>> = { min: 0, median: 1, p95: 2, max: 3 };
const neverAbove = (a: Stat, b: Stat) => a === b || a === 'min' || b === 'max' || (RANK[a] !== undefined && RANK[b] !== undefined && RANK[a]! <= RANK[b]!);

/**
 * Pairs of thresholds no run can pass together: a lower limit above an upper limit on the same
 * figure, with statistics that cannot cross (e.g. minFailed ≥ 1 with maxFailed ≤ 0). Such a gate
 * could never pass, so it is refused before anything runs.
 */
export function contradictions(expect: Partial<Expectations>): { lower: ThresholdName; upper: ThresholdName }[] {
  const declared = (Object.keys(THRESHOLDS) as ThresholdName[]).filter((name) => expect[name] !== undefined);
  const out: { lower: ThresholdName; upper: ThresholdName }[] = [];
  for (const lower of declared.filter((n) => THRESHOLDS[n].bound === 'min')) {
    for (const upper of declared.filter((n) => THRESHOLDS[n].bound === 'max' && THRESHOLDS[n].figure === THRESHOLDS[lower].figure)) {
      const lo = expect[lower]!;
      const hi = expect[upper]!;
      if (lo.limit > hi.limit && neverAbove(lo.stat ?? defaultStat('min'), hi.stat ?? defaultStat('max'))) out.push({ lower, upper });
    }
  }
  return out;
}
