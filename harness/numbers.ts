// One rule for every number the harness prints, in the terminal, the pages and the gate's
// summaries: counts are whole unless a statistic makes them fractional (then one decimal),
// milliseconds carry two decimals, rates are whole, shares one decimal. en-US grouping.
export type NumberKind = 'count' | 'ms' | 'rate' | 'percent';

const DIGITS: Record<NumberKind, number> = { count: 1, ms: 2, rate: 0, percent: 1 };

export function formatNumber(v: number | null | undefined, kind: NumberKind): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  const digits = kind === 'count' && Number.isInteger(v) ? 0 : DIGITS[kind];
  const min = kind === 'ms' || kind === 'percent' ? digits : 0;
  return v.toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: digits });
}

export const count = (v: number | null | undefined) => formatNumber(v, 'count');
export const ms = (v: number | null | undefined) => formatNumber(v, 'ms');
export const rate = (v: number | null | undefined) => formatNumber(v, 'rate');
/** A count with its noun: `1 line`, `2 lines`. */
export const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
/** Milliseconds with their unit, or n/a alone: never "n/a ms". */
export const msUnit = (v: number | null | undefined) => (formatNumber(v, 'ms') === 'n/a' ? 'n/a' : `${ms(v)} ms`);
/** Shares (0..1) as a percentage with one decimal, or "none". */
export const share = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? 'none' : `${formatNumber(v * 100, 'percent')}%`);

/**
 * A duration as the command line takes it back: "10s", "1.5s", "500ms". Seconds keep up to three
 * decimals, so no value is rounded away.
 */
export function durationText(valueMs: number): string {
  if (!Number.isFinite(valueMs)) return 'n/a';
  return Math.abs(valueMs) >= 1000 ? `${Number((valueMs / 1000).toFixed(3))}s` : `${Number(valueMs.toFixed(3))}ms`;
}

/** Scenario fields that are rates (requests per second); durations are the fields named *Ms. */
const RATE_FIELDS = new Set(['rate', 'rampFromRate']);

/**
 * A scenario field's value in its unit: durations as s/ms ("load.durationMs" 10000 → "10s"),
 * rates as req/s, strings bare, anything else as JSON.
 */
export function fieldValueText(path: string, value: unknown): string {
  if (value === undefined) return '(unset)';
  // a threshold's limit is in its figure's unit: expect.maxGapMs.limit is a duration
  const parts = path.split('.');
  const leaf = parts[parts.length - 1] === 'limit' && parts.length > 1 ? parts[parts.length - 2] : parts[parts.length - 1];
  if (typeof value === 'number' && /Ms$/.test(leaf)) return durationText(value);
  if (typeof value === 'number' && RATE_FIELDS.has(leaf)) return `${rate(value)} req/s`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
