// The comparison report: several scenarios (each one or more runs) side by side, one table and
// one bar chart per figure, repeats (and switches) shown as ranges with the median marked.
// Figures are the gate's own (gate/figures.ts), so a comparison and a gate never disagree.
import { relative } from 'node:path';
import { FIGURES, figuresOf, summarizeFigures, type FigureName, type FigureSummary } from '../gate/figures.ts';
import { rangeBarSpec, type ChartSpec } from './charts.ts';
import { verdictOf } from './html.ts';
import { canvas, esc, fmt, int, page, type PageChart } from './page.ts';
import type { Report } from './report.ts';

export interface CompareRun {
  /** the run directory */
  dir: string;
  report: Report;
}

export interface CompareGroup {
  /** the scenario's name (or the argument that named the runs) */
  label: string;
  runs: CompareRun[];
}

export interface Comparison {
  createdAt: string;
  groups: {
    label: string;
    description: string;
    runs: { dir: string; startedAt: string; verdict: string; failed: number; switches: number }[];
    figures: Record<FigureName, FigureSummary | null>;
  }[];
}

/** The figures charted, in reading order: the seed's story is failures, then their length, then the price. */
export const COMPARED: { figure: FigureName; title: string; unit: string }[] = [
  { figure: 'failed', title: 'Failed requests per run', unit: 'requests' },
  { figure: 'errorWindowMs', title: 'Error window per switch', unit: 'ms' },
  { figure: 'maxGapMs', title: 'Longest gap per switch', unit: 'ms' },
  { figure: 'okPerSecond', title: 'Throughput', unit: 'successful requests / s' },
  { figure: 'p99LatencyMs', title: 'p99 latency (successful requests)', unit: 'ms' },
];

/** The comparison's data, with run directories relative to where compare.html is written. */
export function buildComparison(groups: CompareGroup[], outDir: string, createdAt = new Date().toISOString()): Comparison {
  return {
    createdAt,
    groups: groups.map((g) => ({
      label: g.label,
      description: g.runs[0]?.report.scenario.description ?? '',
      runs: g.runs.map((r) => ({
        dir: relative(outDir, r.dir) || '.',
        startedAt: r.report.meta.startedAt,
        verdict: verdictOf(r.report).status,
        failed: r.report.analysis.totals.failed,
        switches: r.report.analysis.disruptions.length,
      })),
      figures: summarizeFigures(g.runs.map((r) => figuresOf(r.report))),
    })),
  };
}

export function compareCharts(c: Comparison): PageChart[] {
  return COMPARED.map(({ figure, title, unit }) => ({
    id: `cmp-${figure}`,
    spec: compareSpec(c, figure, title, unit),
  }));
}

export function compareSpec(c: Comparison, figure: FigureName, title: string, unit: string): ChartSpec {
  const per = FIGURES[figure].per === 'switch' ? 'every switch of every repeat' : 'repeats';
  return rangeBarSpec(title, `range: min–max over ${per}`, unit, c.groups.map((g) => {
    const s = g.figures[figure];
    return { label: g.label, min: s?.min ?? 0, median: s?.median ?? 0, max: s?.max ?? 0, values: s?.count ?? 0 };
  }));
}

const range = (s: FigureSummary | null, digits: number) =>
  s === null ? 'n/a' : s.min === s.max ? fmt(s.median, digits) : `${fmt(s.median, digits)} <span class="meta">(${fmt(s.min, digits)}–${fmt(s.max, digits)})</span>`;

export function renderCompare(c: Comparison): string {
  const charts = compareCharts(c);
  const g0 = (g: Comparison['groups'][number], f: FigureName) => g.figures[f];
  const headline = c.groups
    .map((g) => {
      const failed = g0(g, 'failed');
      const ok = g0(g, 'okPerSecond');
      const win = g0(g, 'errorWindowMs');
      return `<li><b>${esc(g.label)}</b>: ${failed ? `${fmt(failed.median, 0)} failed requests per run${failed.min !== failed.max ? ` (${fmt(failed.min, 0)}–${fmt(failed.max, 0)})` : ''}` : 'n/a'}, worst error window ${fmt(win?.max ?? null)} ms, ${ok ? int(Math.round(ok.median)) : 'n/a'} ok/s — ${esc(g.description)}</li>`;
    })
    .join('\n');
  const body = `
<h1>Comparison <span class="meta" style="font-size:14px;font-weight:normal">${esc(c.createdAt)}</span></h1>
<ul>${headline}</ul>
<h2>Figures</h2>
<table class="cmp"><tr><th class="l">scenario</th><th>runs</th><th>failed / run</th><th>failed / switch</th><th>errorWindow ms / switch</th><th>maxGap ms / switch</th><th>excessGap ms / switch</th><th>ok/s</th><th>p99 ms</th><th>background failures</th></tr>
${c.groups
  .map(
    (g) =>
      `<tr><td class="l"><b>${esc(g.label)}</b></td><td>${g.runs.length}</td><td>${range(g0(g, 'failed'), 0)}</td><td>${range(g0(g, 'failedPerSwitch'), 1)}</td><td>${range(g0(g, 'errorWindowMs'), 2)}</td>` +
      `<td>${range(g0(g, 'maxGapMs'), 2)}</td><td>${range(g0(g, 'excessGapMs'), 2)}</td><td>${range(g0(g, 'okPerSecond'), 0)}</td><td>${range(g0(g, 'p99LatencyMs'), 2)}</td><td>${range(g0(g, 'backgroundFailures'), 0)}</td></tr>`,
  )
  .join('\n')}
</table>
<p class="meta">Each cell: median (min–max). Per-run figures are taken over the repeats; per-switch figures over every switch of every repeat. In the charts a bar reaches the median and the dark whisker spans min–max.</p>
<div class="bars">${charts.map((ch) => canvas(ch.id)).join('\n')}</div>
<h2>Runs</h2>
<table><tr><th class="l">scenario</th><th class="l">started</th><th class="l">verdict</th><th>failed</th><th>switches</th><th class="l">report</th></tr>
${c.groups.flatMap((g) => g.runs.map((r) => `<tr><td class="l">${esc(g.label)}</td><td class="l">${esc(r.startedAt)}</td><td class="l">${esc(r.verdict)}</td><td>${int(r.failed)}</td><td>${r.switches}</td><td class="l"><a href="${esc(r.dir.split('/').map(encodeURIComponent).join('/'))}/report.html">${esc(r.dir)}</a></td></tr>`)).join('\n')}
</table>
<p class="meta"><a href="../index.html">all runs</a></p>`;
  return page('Comparison — downtime', body, charts);
}
