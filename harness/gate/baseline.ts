// Baselines: a scenario's figures stored from one gate run (every repeat summarised, and each
// repeat alone, for the run-to-run spread), and the comparison of a later run with them. A
// figure regresses only when it is worse than the baseline by more than the largest of: the
// user's tolerance (max(absolute, relative × |baseline|)), the figure's noise floor, and the
// spread of that statistic across the baseline's own repeats. Pure: no I/O.
import { z } from 'zod';
import { CannotMeasure } from '../errors.ts';
import { parseJsonAs } from '../scenario/resolve.ts';
import { STATS, type Stat } from '../scenario/schema.ts';
import { summarizeFigures, type FigureSummary, type RepeatFigures } from './figures.ts';
import { FIGURE_NAMES, formatFigure, type FigureName } from '../scenario/thresholds.ts';

export const BASELINE_KIND = 'downtime-gate-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  savedAt: string;
  repeats: number;
  runDirs: string[];
  figures: Partial<Record<FigureName, FigureSummary | null>>;
  /** each repeat summarised alone (absent in baselines saved before it was kept) */
  perRepeat?: Partial<Record<FigureName, FigureSummary | null>>[];
}

/**
 * How much a figure moves between identical runs even on one machine, below which a difference
 * is never called a regression: the meter's calibrated tolerance (2 ms) for the switch's
 * windows, half a millisecond for p99 latency, one request per switch. Counts per run and
 * throughput rely on the tolerance and the baseline's spread.
 */
export const NOISE_FLOOR: Record<FigureName, number> = {
  failed: 0,
  failedPerSwitch: 1,
  errorWindowMs: 2,
  maxGapMs: 2,
  excessGapMs: 2,
  backgroundFailures: 0,
  okPerSecond: 0,
  p99LatencyMs: 0.5,
};

export interface BaselineFile {
  kind: typeof BASELINE_KIND;
  version: typeof BASELINE_VERSION;
  scenarios: Record<string, BaselineEntry>;
}

export function baselineEntry(repeats: readonly Partial<RepeatFigures>[], runDirs: string[], savedAt: string): BaselineEntry {
  return { savedAt, repeats: repeats.length, runDirs, figures: summarizeFigures(repeats), perRepeat: repeats.map((r) => summarizeFigures([r])) };
}

/** The file with this scenario's entry added or replaced; the others kept. */
export function withEntry(file: BaselineFile | null, scenario: string, entry: BaselineEntry): BaselineFile {
  return { kind: BASELINE_KIND, version: BASELINE_VERSION, scenarios: { ...(file?.scenarios ?? {}), [scenario]: entry } };
}

const summarySchema = z
  .object({ count: z.number(), min: z.number(), median: z.number(), mean: z.number(), p95: z.number(), max: z.number() })
  .nullable();
const figuresSchema = z.object(Object.fromEntries(FIGURE_NAMES.map((f) => [f, summarySchema.optional()]))).strict();
const FileSchema = z.object({
  kind: z.literal(BASELINE_KIND, { error: `expected "${BASELINE_KIND}"` }),
  version: z.literal(BASELINE_VERSION, { error: `expected ${BASELINE_VERSION}` }),
  scenarios: z.record(
    z.string(),
    z.object({
      savedAt: z.string(),
      repeats: z.number().int().nonnegative(),
      runDirs: z.array(z.string()),
      figures: figuresSchema,
      perRepeat: z.array(figuresSchema).optional(),
    }),
  ),
});

/** Parses a stored baseline; CannotMeasure naming the field when it is not one. */
export const parseBaseline = (text: string, source: string) => parseJsonAs<typeof FileSchema, BaselineFile>(FileSchema, text, source, 'a gate baseline');

export interface Tolerance {
  /** fraction of the baseline figure, e.g. 0.2 for 20 % */
  relative: number;
  /** in the figure's own unit (requests, ms, req/s) */
  absolute: number;
}

/** "20%" → relative 0.2; "5" → absolute 5. */
export function parseTolerance(text: string): Partial<Tolerance> {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(text);
  if (!m) throw new CannotMeasure(`--max-regression ${text}: expected a percentage such as 20% or an absolute amount such as 5`);
  return m[2] ? { relative: Number(m[1]) / 100 } : { absolute: Number(m[1]) };
}

export interface BaselineComparison {
  figure: FigureName;
  stat: Stat;
  baseline: number;
  /** null: the baseline has this figure, this run did not measure it */
  current: number | null;
  /** how much worse (positive) or better (negative) than the baseline, in the figure's unit */
  worseBy: number | null;
  allowed: number;
  /** what set `allowed`: the tolerance, the figure's noise floor, or the baseline's run-to-run spread */
  allowedBy: 'tolerance' | 'noise floor' | 'baseline spread';
  status: 'pass' | 'fail' | 'missing';
  message: string;
}

/** Lower is worse only for throughput. */
const lowerIsWorse = (figure: FigureName) => figure === 'okPerSecond';

export function compareBaseline(
  baseline: BaselineEntry,
  repeats: readonly Partial<RepeatFigures>[],
  tolerance: Tolerance,
  stat: Stat = 'median',
  only: readonly FigureName[] = FIGURE_NAMES,
): BaselineComparison[] {
  if (!STATS.includes(stat)) throw new CannotMeasure(`unknown statistic "${stat}"`);
  const current = summarizeFigures(repeats);
  const out: BaselineComparison[] = [];
  for (const figure of FIGURE_NAMES.filter((f) => only.includes(f))) {
    const base = baseline.figures[figure]?.[stat];
    if (base === undefined || base === null || !Number.isFinite(base)) continue; // the baseline did not measure it
    const now = current[figure]?.[stat] ?? null;
    const { allowed, allowedBy } = allowance(baseline, figure, stat, base, tolerance);
    const label = `${figure} (${stat})`;
    if (now === null || !Number.isFinite(now)) {
      out.push({ figure, stat, baseline: base, current: null, worseBy: null, allowed, allowedBy, status: 'missing', message: `${label}: baseline ${formatFigure(base, figure)}, not measured in this run` });
      continue;
    }
    const worseBy = lowerIsWorse(figure) ? base - now : now - base;
    const status = worseBy > allowed + 1e-9 ? 'fail' : 'pass';
    // The direction in plain words (a throughput drop is "lower", never "+6.5 % worse").
    const change = now === base ? 'unchanged' : `${base !== 0 ? `${Math.abs(((now - base) / Math.abs(base)) * 100).toFixed(1)}% ` : ''}${now > base ? 'higher' : 'lower'}`;
    const message =
      `${label}: ${formatFigure(now, figure)} against baseline ${formatFigure(base, figure)} (${change}), ` +
      `allowed ${lowerIsWorse(figure) ? 'down' : 'up'} to ${formatFigure(lowerIsWorse(figure) ? base - allowed : base + allowed, figure)} ` +
      `(${allowedBy} ${formatFigure(allowed, figure)})` +
      (status === 'fail' ? ': REGRESSED' : '');
    out.push({ figure, stat, baseline: base, current: now, worseBy, allowed, allowedBy, status, message });
  }
  return out;
}

/** The largest of the tolerance, the noise floor and the baseline's own spread, and which one it was. */
function allowance(baseline: BaselineEntry, figure: FigureName, stat: Stat, base: number, tolerance: Tolerance): Pick<BaselineComparison, 'allowed' | 'allowedBy'> {
  const perRepeat = (baseline.perRepeat ?? []).map((r) => r[figure]?.[stat]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const spread = perRepeat.length > 1 ? Math.max(...perRepeat) - Math.min(...perRepeat) : 0;
  const candidates: [number, BaselineComparison['allowedBy']][] = [
    [Math.max(tolerance.absolute, tolerance.relative * Math.abs(base)), 'tolerance'],
    [NOISE_FLOOR[figure], 'noise floor'],
    [spread, 'baseline spread'],
  ];
  const [allowed, allowedBy] = candidates.reduce((best, c) => (c[0] > best[0] ? c : best));
  return { allowed, allowedBy };
}
