// The figures a gate can judge and the thresholds a scenario's `expect` may declare on them: one
// table each, read by the schema (which names `expect` may hold), the gate's flags and help, the
// gate's evaluation (harness/gate/) and every text that names a threshold. Pure: no I/O.
import { count, ms, rate } from '../numbers.ts';

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

/** The project's one number rule (harness/numbers.ts), with the figure's unit. */
export function formatFigure(v: number | null, figure?: FigureName): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const unit = figure ? FIGURES[figure].unit : '';
  return unit === 'ms' ? `${ms(v)} ms` : unit === 'req/s' ? `${rate(v)} req/s` : count(v);
}

/** The statistic a threshold applies to, across every switch of every repeat (or every repeat). */
export const STATS = ['max', 'min', 'median', 'mean', 'p95'] as const;
export type Stat = (typeof STATS)[number];

/**
 * Every threshold: the figure it judges, whether it is an upper or a lower limit, and the gate's
 * flag for it (with its help text; a threshold named *Ms takes a duration).
 */
export const THRESHOLDS = {
  maxFailed: { figure: 'failed', bound: 'max', flag: '--max-failed', help: 'failed requests per run' },
  minFailed: { figure: 'failed', bound: 'min', flag: '--min-failed', help: 'failed requests per run, at least (a known-bad reference)' },
  maxFailedPerSwitch: { figure: 'failedPerSwitch', bound: 'max', flag: '--max-failed-per-switch', help: 'failed requests per switch' },
  maxErrorWindowMs: { figure: 'errorWindowMs', bound: 'max', flag: '--max-error-window', help: 'errorWindow per switch' },
  maxGapMs: { figure: 'maxGapMs', bound: 'max', flag: '--max-gap', help: 'maxGap per switch' },
  maxExcessGapMs: { figure: 'excessGapMs', bound: 'max', flag: '--max-excess-gap', help: 'excessGap per switch (maxGap beyond the steady reference)' },
  maxBackgroundFailures: { figure: 'backgroundFailures', bound: 'max', flag: '--max-background-failures', help: 'failures outside every switch, per run' },
  minThroughput: { figure: 'okPerSecond', bound: 'min', flag: '--min-throughput', help: 'successful requests per second, per run' },
  p99LatencyMs: { figure: 'p99LatencyMs', bound: 'max', flag: '--p99-latency', help: 'p99 latency of successful requests, per run' },
} as const satisfies Record<string, { figure: FigureName; bound: 'max' | 'min'; flag: `--${string}`; help: string }>;
export type ThresholdName = keyof typeof THRESHOLDS;
/** What `expect` may hold, in a stable order. */
export const THRESHOLD_NAMES = Object.keys(THRESHOLDS) as ThresholdName[];

export type Threshold = { limit: number; stat?: Stat };

/** The worst case unless told otherwise: max against an upper limit, min against a lower one. */
export const defaultStat = (bound: 'max' | 'min'): Stat => bound;

/** "maxFailed ≤ 0", with the statistic when it is not the worst case. */
export const thresholdText = (t: { name: ThresholdName; figure: FigureName; bound: 'max' | 'min'; stat: Stat; limit: number }) =>
  `${t.name} ${t.bound === 'max' ? '≤' : '≥'} ${formatFigure(t.limit, t.figure)}${t.stat !== t.bound ? ` (${t.stat})` : ''}`;

/** thresholdText of a declared threshold, before it is judged. */
export const declaredText = (name: ThresholdName, t: Threshold) =>
  thresholdText({ name, figure: THRESHOLDS[name].figure, bound: THRESHOLDS[name].bound, stat: t.stat ?? defaultStat(THRESHOLDS[name].bound), limit: t.limit });

/** Whether a scenario (as written, or validated) declares any threshold. */
export const declaresThresholds = (expect: Partial<Record<ThresholdName | 'knownBad', unknown>> | undefined) =>
  expect !== undefined && THRESHOLD_NAMES.some((name) => expect[name] !== undefined);

/** The failure a known-bad reference is kept for: its note up to the first ";". */
export const knownBadFailure = (note: string) => note.split(';')[0].trim();

/** What a known-bad reference that showed its failure says, wherever its verdict is shown. */
export const reproducesText = (note: string) => `expected: this scenario reproduces a known failure, ${knownBadFailure(note)}`;

/** Statistics known to be ordered whatever the values: min ≤ median ≤ p95 ≤ max (mean only between min and max). */
const RANK: Partial<Record<Stat, number>> = { min: 0, median: 1, p95: 2, max: 3 };
const neverAbove = (a: Stat, b: Stat) => a === b || a === 'min' || b === 'max' || (RANK[a] !== undefined && RANK[b] !== undefined && RANK[a]! <= RANK[b]!);

/**
 * Pairs of thresholds no run can pass together: a lower limit above an upper limit on the same
 * figure, with statistics that cannot cross (e.g. minFailed ≥ 1 with maxFailed ≤ 0). Such a gate
 * could never pass, so it is refused before anything runs.
 */
export function contradictions(expect: Partial<Record<ThresholdName, Threshold>>): { lower: ThresholdName; upper: ThresholdName }[] {
  const declared = THRESHOLD_NAMES.filter((name) => expect[name] !== undefined);
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
