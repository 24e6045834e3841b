// The figures a gate judges, taken from each repeat's report, and their statistics across
// switches and repeats. Pure: no I/O. The figures themselves, their units and labels, are
// declared with the thresholds (harness/scenario/thresholds.ts).
import { medianSorted, percentileSorted } from '../analysis/ordered.ts';
import type { Report } from '../stored/report.ts';
import { FIGURE_NAMES, type FigureName, type Stat } from '../scenario/thresholds.ts';

/** One repeat's figures; null where the report had none (e.g. excessGapMs without a steady reference). */
export type RepeatFigures = Record<FigureName, (number | null)[]>;

export function figuresOf(report: Report): RepeatFigures {
  const a = report.analysis;
  const switches = a.disruptions.filter((d) => d.kind === 'switch');
  return {
    failed: [a.totals.failed],
    failedPerSwitch: switches.map((d) => d.failedRequests),
    errorWindowMs: switches.map((d) => d.errorWindowMs),
    maxGapMs: switches.map((d) => d.maxGapMs),
    excessGapMs: switches.map((d) => d.excessGapMs),
    backgroundFailures: [a.totals.backgroundFailures],
    okPerSecond: [a.totals.okPerSecond],
    // An empty histogram has no p99: no successful request, so no latency to judge.
    p99LatencyMs: [a.latency.overall.count > 0 ? a.latency.overall.p99 : null],
  };
}

/** The values that were measured: null, undefined, NaN and ±Infinity are not figures. */
export const measured = (values: readonly (number | null | undefined)[] | undefined): number[] =>
  (values ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

/** A figure pooled across the given repeats. */
export const pooled = (repeats: readonly Partial<RepeatFigures>[], figure: FigureName): number[] =>
  repeats.flatMap((r) => measured(r[figure]));

/** The statistic of the measured values; null when there are none. p95 is nearest-rank. */
export function statistic(values: readonly (number | null | undefined)[], stat: Stat): number | null {
  const v = measured(values).sort((a, b) => a - b);
  if (v.length === 0) return null;
  switch (stat) {
    case 'max':
      return v[v.length - 1];
    case 'min':
      return v[0];
    case 'mean':
      return v.reduce((s, x) => s + x, 0) / v.length;
    case 'median':
      return medianSorted(v);
    case 'p95':
      return percentileSorted(v, 95);
  }
}

export interface FigureSummary {
  count: number;
  min: number;
  median: number;
  mean: number;
  p95: number;
  max: number;
}

export function summarizeFigure(values: readonly (number | null | undefined)[]): FigureSummary | null {
  const v = measured(values);
  if (v.length === 0) return null;
  return {
    count: v.length,
    min: statistic(v, 'min')!,
    median: statistic(v, 'median')!,
    mean: statistic(v, 'mean')!,
    p95: statistic(v, 'p95')!,
    max: statistic(v, 'max')!,
  };
}

/** Every figure summarised across repeats (and switches); null for a figure never measured. */
export function summarizeFigures(repeats: readonly Partial<RepeatFigures>[]): Record<FigureName, FigureSummary | null> {
  return Object.fromEntries(FIGURE_NAMES.map((f) => [f, summarizeFigure(pooled(repeats, f))])) as Record<FigureName, FigureSummary | null>;
}
