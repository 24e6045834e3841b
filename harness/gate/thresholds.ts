// Thresholds: each names a figure, a bound (an upper or a lower limit) and the statistic it
// applies to across every switch of every repeat (per-switch figures) or across repeats
// (per-run figures). Pure: no I/O.
import type { Expectations } from '../scenario/schema.ts';
import { defaultStat, FIGURES, formatFigure, THRESHOLDS, type FigureName, type Stat, type Threshold, type ThresholdName, THRESHOLD_NAMES } from '../scenario/thresholds.ts';
import { measured, pooled, statistic, type RepeatFigures } from './figures.ts';

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
  return THRESHOLD_NAMES
    .filter((name) => expect[name] !== undefined)
    .map((name) => evaluateThreshold(name, expect[name]!, repeats));
}
