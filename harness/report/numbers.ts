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
/** Milliseconds with their unit, or n/a alone: never "n/a ms". */
export const msUnit = (v: number | null | undefined) => (formatNumber(v, 'ms') === 'n/a' ? 'n/a' : `${ms(v)} ms`);
