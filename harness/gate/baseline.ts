// Baselines: a scenario's figures stored from one gate run (every repeat summarised), and the
// comparison of a later run with them. A figure regresses when it is worse than the baseline by
// more than the tolerance: max(absolute, relative × |baseline|). Pure: no I/O.
import { z } from 'zod';
import { CannotMeasure } from '../errors.ts';
import { formatIssues } from '../scenario/resolve.ts';
import { STATS, type Stat } from '../scenario/schema.ts';
import { FIGURE_NAMES, FIGURES, formatFigure, summarizeFigures, type FigureName, type FigureSummary, type RepeatFigures } from './figures.ts';

export const BASELINE_KIND = 'downtime-gate-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  savedAt: string;
  repeats: number;
  runDirs: string[];
  figures: Partial<Record<FigureName, FigureSummary | null>>;
}

export interface BaselineFile {
  kind: typeof BASELINE_KIND;
  version: typeof BASELINE_VERSION;
  scenarios: Record<string, BaselineEntry>;
}

export function baselineEntry(repeats: readonly Partial<RepeatFigures>[], runDirs: string[], savedAt: string): BaselineEntry {
  return { savedAt, repeats: repeats.length, runDirs, figures: summarizeFigures(repeats) };
}

/** The file with this scenario's entry added or replaced; the others kept. */
export function withEntry(file: BaselineFile | null, scenario: string, entry: BaselineEntry): BaselineFile {
  return { kind: BASELINE_KIND, version: BASELINE_VERSION, scenarios: { ...(file?.scenarios ?? {}), [scenario]: entry } };
}

const summarySchema = z
  .object({ count: z.number(), min: z.number(), median: z.number(), mean: z.number(), p95: z.number(), max: z.number() })
  .nullable();
const FileSchema = z.object({
  kind: z.literal(BASELINE_KIND, { error: `expected "${BASELINE_KIND}"` }),
  version: z.literal(BASELINE_VERSION, { error: `expected ${BASELINE_VERSION}` }),
  scenarios: z.record(
    z.string(),
    z.object({
      savedAt: z.string(),
      repeats: z.number().int().nonnegative(),
      runDirs: z.array(z.string()),
      figures: z.object(Object.fromEntries(FIGURE_NAMES.map((f) => [f, summarySchema.optional()]))).strict(),
    }),
  ),
});

/** Parses a stored baseline; CannotMeasure naming the field when it is not one. */
export function parseBaseline(text: string, source: string): BaselineFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CannotMeasure(`${source} is not JSON: ${(err as Error).message}`);
  }
  const result = FileSchema.safeParse(json);
  if (!result.success) throw new CannotMeasure(`${source} is not a gate baseline:\n${formatIssues(result.error)}`);
  return result.data as BaselineFile;
}

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
    const allowed = Math.max(tolerance.absolute, tolerance.relative * Math.abs(base));
    const label = `${figure} (${stat})`;
    if (now === null || !Number.isFinite(now)) {
      out.push({ figure, stat, baseline: base, current: null, worseBy: null, allowed, status: 'missing', message: `${label}: baseline ${formatFigure(base, figure)}, not measured in this run` });
      continue;
    }
    const worseBy = lowerIsWorse(figure) ? base - now : now - base;
    const status = worseBy > allowed + 1e-9 ? 'fail' : 'pass';
    const pct = base !== 0 ? ` (${worseBy >= 0 ? '+' : '−'}${Math.abs((worseBy / Math.abs(base)) * 100).toFixed(1)}% ${worseBy >= 0 ? 'worse' : 'better'})` : '';
    const message =
      `${label}: ${formatFigure(now, figure)} against baseline ${formatFigure(base, figure)}${pct}, ` +
      `allowed ${FIGURES[figure].unit === 'req/s' ? 'down' : 'up'} to ${formatFigure(lowerIsWorse(figure) ? base - allowed : base + allowed, figure)}` +
      (status === 'fail' ? ': REGRESSED' : '');
    out.push({ figure, stat, baseline: base, current: now, worseBy, allowed, status, message });
  }
  return out;
}
