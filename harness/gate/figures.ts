// The figures a gate judges, taken from each repeat's report, and their statistics across
// switches and repeats. Pure: no I/O.
import { medianSorted, percentileSorted } from '../analysis/ordered.ts';
import { count, ms, rate } from '../numbers.ts';
import type { Report } from '../stored/report.ts';
import type { Stat } from '../scenario/schema.ts';

/**
 * Per run: one value per repeat. Per switch: one value per switch of every repeat.
 * Every figure is one where more is worse, except okPerSecond.
 */
export const FIGURES = {
  failed: { per: 'run', unit: '', label: 'failed requests per run' },
  failedPerSwitch: { per: 'switch', unit: '', label: 'failed requests per switch' },
  errorWindowMs: { per: 'switch', unit: 'ms', label: 'error window per switch' },
  maxGapMs: { per: 'switch', unit: 'ms', label: 'longest gap without a success per switch' },
  excessGapMs: { per: 'switch', unit: 'ms', label: 'gap beyond the steady-state reference per switch' },
  backgroundFailures: { per: 'run', unit: '', label: 'failures outside every switch per run' },
  okPerSecond: { per: 'run', unit: 'req/s', label: 'successful requests per second' },
  p99LatencyMs: { per: 'run', unit: 'ms', label: 'p99 latency of successful requests' },
} as const;
export type FigureName = keyof typeof FIGURES;
export const FIGURE_NAMES = Object.keys(FIGURES) as FigureName[];

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

/** The project's one number rule (harness/numbers.ts), with the figure's unit. */
export function formatFigure(v: number | null, figure?: FigureName): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const unit = figure ? FIGURES[figure].unit : '';
  return unit === 'ms' ? `${ms(v)} ms` : unit === 'req/s' ? `${rate(v)} req/s` : count(v);
}
