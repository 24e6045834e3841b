// The study's figures per cell, what each fix costs against its baseline, and the ranking and
// recommendation derived from them (never written by hand). Pure: reports in, a Study out.
import { medianSorted } from '../analysis/ordered.ts';
import type { Report } from '../stored/report.ts';
import { cellId, type Cell, type Dimension } from './matrix.ts';

export interface CellRuns {
  cell: Cell;
  /** one report per repeat; empty when the cell could not be measured */
  reports: Report[];
  /** their run directories, relative to the study's page */
  dirs: string[];
  /** why it was not measured (no Docker engine, a run that failed) */
  unmeasured?: string;
}

export interface CellFigures {
  id: string;
  fix: string;
  label: string;
  shape: string;
  client: string;
  baseline: string;
  repeats: number;
  runs: string[];
  /** the proxy's version as the runs reported it */
  version: string | null;
  /** failed requests per reload, over the repeats: what users saw */
  failedPerReload: { median: number; max: number } | null;
  /** failed first attempts per reload that the client's retry resent and so hid (0 unless the client retries) */
  hiddenPerReload: { median: number; max: number } | null;
  worstErrorWindowMs: number | null;
  worstGapMs: number | null;
  okPerSecond: number | null;
  p99LatencyMs: number | null;
  /** against the baseline: throughput as a share of it, p99 as a multiple of it */
  cost: { throughput: number | null; p99: number | null };
  unmeasured: string | null;
}

export interface Ranking {
  shape: Dimension;
  client: Dimension;
  /** best first: fewest failures per reload, then the cheapest */
  cells: CellFigures[];
  recommendation: string[];
}

/** One fix under one shape, as each client profile saw it: failed (and hidden) per reload, medians. */
export interface ClientRow {
  fix: string;
  label: string;
  shape: string;
  byClient: Record<string, { failed: number; hidden: number } | null>;
}

export interface Study {
  kind: 'downtime-study';
  version: 1;
  createdAt: string;
  cells: CellFigures[];
  rankings: Ranking[];
  /** fixes measured with more than one client profile, side by side */
  clients: ClientRow[];
  /** where shapes or clients disagree about a fix */
  limits: string[];
}

const median = (v: number[]) => (v.length ? medianSorted(Float64Array.from(v).sort()) : null);
const maxOf = (v: number[]) => (v.length ? Math.max(...v) : null);

export function cellFigures(runs: CellRuns): Omit<CellFigures, 'cost'> {
  const { cell, reports } = runs;
  const perReload = (count: (t: Report['analysis']['totals']) => number) =>
    reports.map((r) => {
      const switches = r.analysis.disruptions.filter((d) => d.kind === 'switch').length;
      return switches ? count(r.analysis.totals) / switches : 0;
    });
  const spread = (v: number[]) => (v.length ? { median: median(v)!, max: maxOf(v)! } : null);
  const switchFigures = (pick: (d: Report['analysis']['disruptions'][number]) => number) =>
    reports.flatMap((r) => r.analysis.disruptions.filter((d) => d.kind === 'switch').map(pick));
  return {
    id: cellId(cell),
    fix: cell.fix.id,
    label: cell.fix.label,
    shape: cell.shape.id,
    client: cell.client.id,
    baseline: cell.fix.baseline,
    repeats: reports.length,
    runs: runs.dirs,
    version: reports[0]?.meta.proxy.version ?? null,
    failedPerReload: spread(perReload((t) => t.failed)),
    hiddenPerReload: spread(perReload((t) => t.hiddenByRetry ?? 0)),
    worstErrorWindowMs: maxOf(switchFigures((d) => d.errorWindowMs)),
    worstGapMs: maxOf(switchFigures((d) => d.maxGapMs)),
    okPerSecond: median(reports.map((r) => r.analysis.totals.okPerSecond)),
    p99LatencyMs: median(reports.filter((r) => r.analysis.latency.overall.count > 0).map((r) => r.analysis.latency.overall.p99)),
    unmeasured: runs.unmeasured ?? (reports.length ? null : 'not run'),
  };
}

export function buildStudy(all: CellRuns[], createdAt = new Date().toISOString()): Study {
  const bare = all.map(cellFigures);
  const find = (fix: string, shape: string, client: string) => bare.find((c) => c.fix === fix && c.shape === shape && c.client === client);
  const cells: CellFigures[] = bare.map((c) => {
    const base = find(c.baseline, c.shape, c.client);
    const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b > 0 ? a / b : null);
    return { ...c, cost: { throughput: ratio(c.okPerSecond, base?.okPerSecond), p99: ratio(c.p99LatencyMs, base?.p99LatencyMs) } };
  });
  const pairs = new Map<string, { shape: Dimension; client: Dimension }>();
  for (const r of all) pairs.set(`${r.cell.shape.id}/${r.cell.client.id}`, { shape: r.cell.shape, client: r.cell.client });
  const rankings = [...pairs.values()].map(({ shape, client }) => {
    const ranked = rank(cells.filter((c) => c.shape === shape.id && c.client === client.id));
    return { shape, client, cells: ranked, recommendation: recommend(ranked) };
  });
  return { kind: 'downtime-study', version: 1, createdAt, cells, rankings, clients: clientRows(cells), limits: [...limits(cells), ...narrowed(all)] };
}

/** Each fix and shape measured with more than one client profile, the profiles side by side. */
export function clientRows(cells: CellFigures[]): ClientRow[] {
  const groups = new Map<string, CellFigures[]>();
  for (const c of cells) groups.set(`${c.fix}/${c.shape}`, [...(groups.get(`${c.fix}/${c.shape}`) ?? []), c]);
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => ({
      fix: g[0].fix,
      label: g[0].label,
      shape: g[0].shape,
      byClient: Object.fromEntries(
        g.map((c) => [c.client, c.failedPerReload ? { failed: c.failedPerReload.median, hidden: c.hiddenPerReload?.median ?? 0 } : null]),
      ),
    }));
}

/**
 * Throughput shares this close count as a tie: in the open model every fix is asked for the same
 * rate and serves it, so the shares differ by noise and p99 latency tells the costs apart.
 */
export const THROUGHPUT_TIE = 0.02;

const throughputShare = (c: CellFigures) => c.cost.throughput ?? 0;

/**
 * Cheapest first: the highest throughput share leads, with every fix within THROUGHPUT_TIE of it
 * ordered by p99 multiple (lowest first); then the same for the rest.
 */
export function byCost(cells: CellFigures[]): CellFigures[] {
  let rest = [...cells].sort((a, b) => throughputShare(b) - throughputShare(a));
  const out: CellFigures[] = [];
  while (rest.length) {
    const best = throughputShare(rest[0]);
    const tied = rest.filter((c) => best - throughputShare(c) <= THROUGHPUT_TIE + 1e-9);
    out.push(...tied.sort((a, b) => (a.cost.p99 ?? Infinity) - (b.cost.p99 ?? Infinity)));
    rest = rest.filter((c) => !tied.includes(c));
  }
  return out;
}

/** Fewest failures per reload (median, then worst), then the cheapest (byCost; the sort is stable). */
export function rank(cells: CellFigures[]): CellFigures[] {
  const key = (c: CellFigures) => [c.failedPerReload?.median ?? Infinity, c.failedPerReload?.max ?? Infinity];
  return byCost(cells).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
}

const pct = (share: number | null) => (share === null ? 'unknown' : `${Math.round(share * 100)} %`);
const times = (m: number | null) => (m === null ? 'unknown' : `${m.toFixed(m < 10 ? 1 : 0)}x`);
const per = (c: CellFigures) => (c.failedPerReload ? `${c.failedPerReload.median.toFixed(1)} failed per reload (worst run ${c.failedPerReload.max.toFixed(1)})` : 'not measured');

/** The ranking in sentences: what lost nothing and at what price, what still loses. */
export function recommend(ranked: CellFigures[]): string[] {
  const measured = ranked.filter((c) => c.failedPerReload);
  const clean = measured.filter((c) => c.failedPerReload!.max === 0);
  const lossy = measured.filter((c) => c.failedPerReload!.max > 0);
  const out: string[] = [];
  if (clean.length) {
    const cheapest = byCost(clean);
    out.push(
      `Lost no request at any reload: ${cheapest
        .map((c) => `${c.label} (throughput ${pct(c.cost.throughput)} of its baseline, p99 latency ${times(c.cost.p99)})`)
        .join('; ')}.`,
    );
    const best = throughputShare(cheapest[0]);
    const tied = clean.filter((c) => Math.abs(best - throughputShare(c)) <= THROUGHPUT_TIE + 1e-9).length > 1;
    out.push(`Cheapest of those: ${cheapest[0].label}${tied ? ' (throughput about the same, so the lowest p99 latency decides)' : ''}.`);
  } else {
    out.push('No fix lost zero requests at every reload here.');
  }
  if (lossy.length) out.push(`Still lost requests: ${lossy.map((c) => `${c.label}, ${per(c)}`).join('; ')}.`);
  const missing = ranked.filter((c) => !c.failedPerReload);
  if (missing.length) out.push(`Not measured: ${missing.map((c) => `${c.label} (${c.unmeasured})`).join('; ')}.`);
  return out;
}

/** The fixes judged under some traffic shapes only, and why. */
function narrowed(all: CellRuns[]): string[] {
  const fixes = new Set(all.map((r) => r.cell.fix).filter((f) => f.shapes));
  return [...fixes].map((f) => `${f.label}: measured under ${f.shapes!.only.join(', ')} only: ${f.shapes!.why}.`);
}

/** A fix that lost nothing under one shape or client and lost requests under another. */
export function limits(cells: CellFigures[]): string[] {
  const out: string[] = [];
  for (const fix of new Set(cells.map((c) => c.fix))) {
    const mine = cells.filter((c) => c.fix === fix && c.failedPerReload);
    const clean = mine.filter((c) => c.failedPerReload!.max === 0);
    const lossy = mine.filter((c) => c.failedPerReload!.max > 0);
    if (clean.length && lossy.length) {
      out.push(
        `${mine[0].label}: no failure with ${clean.map((c) => `${c.shape}/${c.client}`).join(', ')}, ` +
          `but ${lossy.map((c) => `${per(c)} with ${c.shape}/${c.client}`).join(', ')}.`,
      );
    }
  }
  return out;
}

/**
 * Open model: a run that left more than 1 % of its due requests unsent measured the machine's
 * limit, not the fix; said as the cell's reason for not being measured.
 */
export function fellBehind(unsent: number, sent: number): string | null {
  const due = unsent + sent;
  return unsent > 0.01 * due
    ? `the load fell behind its schedule (${unsent.toLocaleString('en-US')} of ${due.toLocaleString('en-US')} due requests never sent): that measures the machine, not the fix`
    : null;
}
