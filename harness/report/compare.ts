// The comparison report: several scenarios (each one or more runs) side by side, one table and
// one bar chart per figure, repeats (and switches) shown as ranges with the median marked.
// Figures are the gate's own (gate/figures.ts), so a comparison and a gate never disagree.
import { relative } from 'node:path';
import { figuresOf, summarizeFigures, type FigureSummary } from '../gate/figures.ts';
import { FIGURES, formatFigure, type FigureName } from '../scenario/thresholds.ts';
import { changesFromScenario, changesText, changeText, differingFields } from './changes.ts';
import { EXPLAIN, th } from './explain.ts';
import { rangeBarSpec, type ChartSpec } from './charts.ts';
import { count, ms, msUnit, rate } from '../numbers.ts';
import { html, joinHtml, type Html } from './html-template.ts';
import { canvas, int, page, type PageChart } from './page.ts';
import type { Report } from '../stored/report.ts';
import { runVerdict, type Tone } from './verdict.ts';

export interface CompareRun {
  /** the run directory */
  dir: string;
  report: Report;
}

export interface CompareGroup {
  /** the scenario's name, and what sets this group apart from others of that name */
  label: string;
  runs: CompareRun[];
}

export interface Comparison {
  createdAt: string;
  groups: {
    label: string;
    description: string;
    /** what the group's runs changed from their scenario file (e.g. "switches.count=3") */
    changes: string;
    proxy: string;
    runs: { dir: string; startedAt: string; verdict: string; tone: Tone; gate: string; failed: number; switches: number }[];
    figures: Record<FigureName, FigureSummary | null>;
  }[];
}

/** What makes two runs repeats of one configuration: the resolved scenario and the proxy measured. */
const configurationOf = (r: Report) => {
  const { description: _d, ...scenario } = r.scenario as Record<string, unknown>;
  return { ...scenario, proxyVersion: r.meta.proxy.version };
};

/**
 * Runs grouped by their effective configuration, in first-seen order. Groups that share a
 * scenario name are labelled by the fields that differ between them, so no two settings are
 * ever shown as repeats of one.
 */
export function groupRuns(runs: CompareRun[]): { groups: CompareGroup[]; warnings: string[] } {
  const byKey = new Map<string, CompareRun[]>();
  for (const run of runs) {
    const key = JSON.stringify(configurationOf(run.report));
    byKey.set(key, [...(byKey.get(key) ?? []), run]);
  }
  const lists = [...byKey.values()];
  const warnings: string[] = [];
  const groups = lists.map((list) => {
    const name = list[0].report.scenario.name;
    const siblings = lists.filter((l) => l[0].report.scenario.name === name && l !== list);
    if (!siblings.length) return { label: name, runs: list };
    const own = configurationOf(list[0].report);
    const differ = new Set(siblings.flatMap((l) => differingFields(own, configurationOf(l[0].report)).map(([k]) => k)));
    const text = [...differ].map((k) => changeText([k, k.split('.').reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], own)])).join(' ');
    return { label: `${name} (${text})`, runs: list };
  });
  for (const name of new Set(runs.map((r) => r.report.scenario.name))) {
    const n = lists.filter((l) => l[0].report.scenario.name === name).length;
    if (n > 1) warnings.push(`runs of ${name} differ in their settings: shown as ${n} configurations, not as repeats of one`);
  }
  return { groups, warnings };
}

/**
 * The figures charted, in reading order: the seed's story is failures, then their length, then
 * the price. `stat` is what the bar reaches, the statistic the terminal's comparison prints for
 * that figure (harness/cli/compare.ts): the worst switch for the per-switch times, whose median
 * is 0.00 when most switches lost nothing, the median run for the rest.
 */
export const COMPARED: { figure: FigureName; title: string; unit: string; stat: 'median' | 'max' }[] = [
  { figure: 'failed', title: 'Failed requests per run', unit: 'requests', stat: 'median' },
  { figure: 'errorWindowMs', title: 'Worst error window of any switch', unit: 'ms', stat: 'max' },
  { figure: 'maxGapMs', title: 'Worst longest gap of any switch', unit: 'ms', stat: 'max' },
  { figure: 'okPerSecond', title: 'Throughput', unit: 'successful requests / s', stat: 'median' },
  { figure: 'p99LatencyMs', title: 'p99 latency (successful requests)', unit: 'ms', stat: 'median' },
];

/** The comparison's data, with run directories relative to where compare.html is written. */
export function buildComparison(groups: CompareGroup[], outDir: string, createdAt = new Date().toISOString()): Comparison {
  return {
    createdAt,
    groups: groups.map((g) => ({
      label: g.label,
      description: g.runs[0]?.report.scenario.description ?? '',
      changes: g.runs[0] ? changesText(changesFromScenario(g.runs[0].report.scenario)) : '',
      proxy: g.runs[0]?.report.meta.proxy.version ?? '',
      runs: g.runs.map((r) => {
        const v = runVerdict(r.report);
        return {
          dir: relative(outDir, r.dir) || '.',
          startedAt: r.report.meta.startedAt,
          verdict: v.headline,
          tone: v.tone,
          gate: v.gateText,
          failed: r.report.analysis.totals.failed,
          switches: r.report.analysis.disruptions.length,
        };
      }),
      figures: summarizeFigures(g.runs.map((r) => figuresOf(r.report))),
    })),
  };
}

export function compareCharts(c: Comparison): PageChart[] {
  return COMPARED.map(({ figure, title, unit, stat }) => ({
    id: `cmp-${figure}`,
    spec: compareSpec(c, figure, title, unit, stat),
  }));
}

/** One line under (and on hover over) each chart: what its bar, value and whisker are. */
export function compareChartNote(figure: FigureName, stat: 'median' | 'max'): string {
  const per = FIGURES[figure].per === 'switch' ? 'every switch of every repeat' : 'the repeats';
  return stat === 'max'
    ? `${FIGURES[figure].label}: the bar reaches the worst (max) over ${per}, as the terminal prints it; the value above it says the max and the median; the whisker spans min–max.`
    : `${FIGURES[figure].label}: the bar reaches the median over ${per}, its value above it; the whisker spans min–max.`;
}

export function compareSpec(c: Comparison, figure: FigureName, title: string, unit: string, stat: 'median' | 'max' = 'median'): ChartSpec {
  const per = FIGURES[figure].per === 'switch' ? 'all switches' : 'repeats';
  const num = (v: number) => formatFigure(v, figure).replace(/ (ms|req\/s)$/, '');
  return rangeBarSpec(
    title,
    `min–max over ${per}`,
    unit,
    c.groups.map((g) => {
      const s = g.figures[figure];
      const text = !s ? 'n/a' : stat === 'max' ? `max ${num(s.max)} · median ${num(s.median)}` : num(s.median);
      return { label: g.label, min: s?.min ?? 0, median: s?.[stat] ?? 0, max: s?.max ?? 0, values: s?.count ?? 0, text };
    }),
    stat === 'max' ? 'max (worst switch)' : 'median',
  );
}

/** A table cell: the median, and the range under it when repeats differ. */
const range = (s: FigureSummary | null, f: (v: number) => string) =>
  s === null ? 'n/a' : s.min === s.max ? f(s.median) : html`${f(s.median)}<br><span class="meta">${f(s.min)}–${f(s.max)}</span>`;
/** A per-switch time: the worst switch first (what the terminal prints), the median under it, both named. */
const worst = (s: FigureSummary | null) =>
  s === null ? 'n/a' : html`<span class="nw">max ${ms(s.max)}</span><br><span class="meta nw">median ${ms(s.median)}</span>`;

type Group = Comparison['groups'][number];
const g0 = (g: Group, f: FigureName) => g.figures[f];

/** One line per group: failed per run, the worst error window (as the terminal prints it), throughput. */
function headline(g: Group): Html {
  const failed = g0(g, 'failed');
  const ok = g0(g, 'okPerSecond');
  const win = g0(g, 'errorWindowMs');
  const failedText = failed
    ? `${count(failed.median)} failed requests per run${failed.min !== failed.max ? ` (${count(failed.min)}–${count(failed.max)})` : ''}`
    : 'n/a';
  return html`<li><b>${g.label}</b>: ${failedText}, worst error window ${msUnit(win?.max)}, ${ok ? rate(ok.median) : 'n/a'} ok/s — ${g.description}</li>`;
}

const worstAndMedian = 'The worst switch (max), and the median under it.';
const FIGURES_HEAD = [
  th('scenario', EXPLAIN.scenario, 'l'),
  th('runs', EXPLAIN.runs),
  th('failed / run', `${EXPLAIN.failedRun} Median over the repeats, min–max under it.`),
  th('failed / switch', `${EXPLAIN.failedPerSwitch} Median, min–max under it.`),
  th('errorWindow ms / switch', `${EXPLAIN.errorWindowMs} ${worstAndMedian}`),
  th('maxGap ms / switch', `${EXPLAIN.maxGapMs} ${worstAndMedian}`),
  th('excessGap ms / switch', `${EXPLAIN.excessGapMs} ${worstAndMedian}`),
  th('ok/s', `${EXPLAIN.okPerSecond} Median over the repeats.`),
  th('p99 ms', `${EXPLAIN.p99} Median over the repeats.`),
  th('background failures', EXPLAIN.background),
];

/** A group's figures: medians with their ranges, the per-switch times led by the worst switch. */
function figuresRow(g: Group): Html {
  const changed = g.changes && html` · changed: <code>${g.changes}</code>`;
  const cells = [
    html`<td class="l"><b>${g.label}</b><br><span class="meta">${g.proxy}${changed}</span></td>`,
    html`<td>${g.runs.length}</td>`,
    html`<td>${range(g0(g, 'failed'), count)}</td>`,
    html`<td>${range(g0(g, 'failedPerSwitch'), count)}</td>`,
    html`<td>${worst(g0(g, 'errorWindowMs'))}</td>`,
    html`<td>${worst(g0(g, 'maxGapMs'))}</td>`,
    html`<td>${worst(g0(g, 'excessGapMs'))}</td>`,
    html`<td>${range(g0(g, 'okPerSecond'), rate)}</td>`,
    html`<td>${range(g0(g, 'p99LatencyMs'), ms)}</td>`,
    html`<td>${range(g0(g, 'backgroundFailures'), count)}</td>`,
  ];
  return html`<tr>${cells}</tr>`;
}

const RUNS_HEAD = [
  th('scenario', EXPLAIN.scenario, 'l'),
  th('started', EXPLAIN.started, 'l'),
  th('clients saw', EXPLAIN.clientsSaw, 'l'),
  th('gate', "The scenario's thresholds and whether they hold.", 'l'),
  th('failed', EXPLAIN.failedRun),
  th('switches', EXPLAIN.switches),
  th('report', "The run's own report.", 'l'),
];

/** One run of a group: when, what clients saw, the gate, and a link to its report. */
function runRow(g: Group, r: Group['runs'][number]): Html {
  const href = `${r.dir.split('/').map(encodeURIComponent).join('/')}/report.html`;
  const cells = [
    html`<td class="l">${g.label}</td>`,
    html`<td class="l nw">${r.startedAt}</td>`,
    html`<td class="l nw"><span class="verdict ${r.tone}" style="padding:1px 8px;margin:0;font-size:12px">${r.verdict}</span></td>`,
    html`<td class="l gate">${r.gate}</td>`,
    html`<td>${int(r.failed)}</td>`,
    html`<td>${r.switches}</td>`,
    html`<td class="l"><a href="${href}">${r.dir}</a></td>`,
  ];
  return html`<tr>${cells}</tr>`;
}

const chartFigure = ({ figure, stat }: (typeof COMPARED)[number]) => {
  const note = compareChartNote(figure, stat);
  return html`<figure>${canvas(`cmp-${figure}`, 'chart', note)}<figcaption class="meta">${note}</figcaption></figure>`;
};

/** What each cell and bar is: said once under the table. */
const CELLS_NOTE = [
  'Each cell: the median, with min–max under it when the runs differ; the per-switch times (errorWindow, maxGap, excessGap) lead with the worst switch (max), ',
  'as the terminal prints them, with the median under it. Per-run figures are taken over the repeats; per-switch figures over every switch of every repeat. ',
  'Runs are grouped by their effective configuration (scenario settings and proxy version), so runs with different settings are never repeats of one another. ',
  'In the charts a bar reaches the median (for the error window and the gap: the max, the worst switch, with the median beside it), ',
  'its value is written above it, and a whisker spans min–max.',
].join('');

export function renderCompare(c: Comparison): string {
  const charts = compareCharts(c);
  const body = html`
<h1>Comparison <span class="meta" style="font-size:14px;font-weight:normal">${c.createdAt}</span></h1>
<ul>${joinHtml(c.groups.map(headline), '\n')}</ul>
<h2>Figures</h2>
<table class="cmp"><tr>${FIGURES_HEAD}</tr>
${joinHtml(c.groups.map(figuresRow), '\n')}
</table>
<p class="meta">${CELLS_NOTE}</p>
<div class="bars">${joinHtml(COMPARED.map(chartFigure), '\n')}</div>
<h2>Runs</h2>
<table><tr>${RUNS_HEAD}</tr>
${joinHtml(c.groups.flatMap((g) => g.runs.map((r) => runRow(g, r))), '\n')}
</table>
<p class="meta"><a href="../index.html">all runs</a></p>`;
  return page('Comparison — downtime', body, charts);
}
