// Chart definitions, one source for report.html and the PNGs: each function returns a chart
// spec, plain JSON (no functions), that chart-runtime.cjs turns into a Chart.js configuration
// in the browser and in png.ts alike. Data is already bucketed and downsampled here.
import { codeInfo } from '../records/failure-codes.ts';
import type { Report } from '../stored/report.ts';
import { count, ms } from '../numbers.ts';
import { asPoints, mergeBuckets, minMaxDownsample, nonZero, percentileCurve, round3, type Point, type ZoomWindow } from './chart-data.ts';

/** A Chart.js configuration as JSON; `ticks.dtFormat` and `plugins.dtMarkers` are ours. */
export interface ChartSpec {
  type: 'line' | 'bar' | 'scatter';
  data: { labels?: string[]; datasets: Record<string, unknown>[] };
  options: Record<string, unknown>;
}

/** Points per line series at most; a min/max pair per slice keeps dips and spikes. */
export const MAX_POINTS = 2000;

export const COLOUR = { blue: '#0969da', green: '#1a7f37', other: '#8c959f' } as const;

/** One colour per failure code, the same in every chart of every report: the failure-code table's. */
export const codeColour = (code: string): string => codeInfo(code).colour;

/**
 * The switch events drawn as markers, and how. The zoomed panels mark every step of a switch
 * (a dip before the reload is the new colour starting on the same cores, not nginx); the
 * whole-run timeline only the `timeline` ones, to stay readable.
 */
export const EVENT_STYLE: Record<string, { color: string; dash: number[]; short: string; zoomOnly?: boolean }> = {
  'new-colour-started': { color: '#0550ae', dash: [1, 3], short: 'new colour starting', zoomOnly: true },
  'new-colour-healthy': { color: '#0550ae', dash: [4, 2], short: 'new colour healthy', zoomOnly: true },
  'upstream-written': { color: '#57606a', dash: [1, 3], short: 'include written', zoomOnly: true },
  'config-tested': { color: '#57606a', dash: [4, 2], short: 'nginx -t', zoomOnly: true },
  'reload-signalled': { color: '#24292f', dash: [6, 3], short: 'reload' },
  'switch-command-started': { color: '#6e7781', dash: [6, 3], short: 'switch command' },
  'switch-command-ended': { color: '#24292f', dash: [6, 3], short: 'switch command done' },
  'new-workers-up': { color: '#1a7f37', dash: [2, 2], short: 'new workers up' },
  'old-workers-gone': { color: '#8250df', dash: [2, 2], short: 'old workers gone' },
  'old-colour-stopping': { color: '#bc4c00', dash: [8, 3, 2, 3], short: 'old colour told to stop' },
  'old-colour-exited': { color: '#bc4c00', dash: [1, 3], short: 'old colour exited', zoomOnly: true },
  'outage-start': { color: '#24292f', dash: [6, 3], short: 'outage start' },
  'outage-end': { color: '#8250df', dash: [2, 2], short: 'outage end' },
};

export const line = (label: string, data: Point[], color: string, extra: Record<string, unknown> = {}) => ({
  type: 'line',
  label,
  data,
  borderColor: color,
  backgroundColor: color,
  borderWidth: 1,
  pointRadius: 0,
  stepped: 'before',
  yAxisID: 'y',
  ...extra,
});

const failureBars = (code: string, data: Point[], thickness: number) => ({
  type: 'bar',
  label: `failed: ${code}`,
  // objects: a bar's [a, b] array would be a floating bar, not a point
  data: data.map(([x, y]) => ({ x, y })),
  backgroundColor: codeColour(code),
  borderWidth: 0,
  barThickness: thickness,
  yAxisID: 'y2',
  stack: 'failed',
  grouped: false,
});

export const title = (text: string | string[], size = 13) => ({ display: true, text, font: { size }, align: 'start' });

/** Buckets of the timeline's lines: a multiple of the analysis bucket, about this many over the run. */
export const TIMELINE_LINE_BUCKETS = 1000;

/**
 * The whole run: successful responses per second by colour (summed into coarser buckets, so the
 * lines read as rates), failures by code at the analysis bucket (sparse, never merged away), and
 * every switch's events and longest gap. The milliseconds live in the zoomed panels.
 */
export function timelineSpec(report: Report): ChartSpec {
  const a = report.analysis;
  const tl = a.timeline;
  const factor = Math.max(1, Math.ceil(tl.ok.length / TIMELINE_LINE_BUCKETS));
  const lineMs = tl.bucketMs * factor;
  const perSecond = (series: number[]) =>
    minMaxDownsample(asPoints(mergeBuckets(series, factor).map((v) => Math.round((v * 1000) / lineMs)), lineMs), MAX_POINTS);
  const failed = Object.entries(tl.failedByCode)
    .sort((x, y) => sum(y[1]) - sum(x[1]))
    .map(([code, series]) => failureBars(code, capNonZero(asPoints(series, tl.bucketMs)), 3));
  const lines = a.disruptions.flatMap((d) =>
    d.events.filter((e) => EVENT_STYLE[e.name] && !EVENT_STYLE[e.name].zoomOnly).map((e) => ({ x: round3(e.atMs / 1000), color: EVENT_STYLE[e.name].color, dash: EVENT_STYLE[e.name].dash })),
  );
  const spans = a.disruptions.flatMap((d) => (d.maxGap ? [{ from: d.maxGap.fromMs / 1000, to: d.maxGap.toMs / 1000, color: 'rgba(110,119,129,0.35)' }] : []));
  return {
    type: 'line',
    data: {
      datasets: [
        line('ok/s from blue', perSecond(tl.blue), COLOUR.blue, { borderWidth: 1.5 }),
        line('ok/s from green', perSecond(tl.green), COLOUR.green, { borderWidth: 1.5 }),
        ...failed,
      ],
    },
    options: {
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        title: title(`${report.scenario.name}: successful responses per second (${lineMs} ms buckets) and failed requests per ${tl.bucketMs} ms`),
        subtitle: { display: true, text: 'dashed: reload signalled · green dotted: new workers up · purple dotted: old workers gone · orange: old colour told to stop · grey: longest gap', align: 'start', font: { size: 11 }, padding: { bottom: 12 } },
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        dtMarkers: { lines, spans },
      },
      scales: {
        x: { type: 'linear', offset: false, min: 0, max: round3((tl.ok.length * tl.bucketMs) / 1000), ticks: { includeBounds: false }, title: { display: true, text: 'seconds since load start' } },
        y: { beginAtZero: true, title: { display: true, text: 'successful responses / s' }, ticks: { dtFormat: 'thousands' } },
        y2: failedAxis(tl.bucketMs),
      },
    },
  };
}

/** The right-hand axis both timelines draw failures against. */
const failedAxis = (bucketMs: number) => ({
  position: 'right',
  beginAtZero: true,
  stacked: true,
  suggestedMax: 4,
  grid: { drawOnChartArea: false },
  ticks: { precision: 0, color: '#cf222e' },
  title: { display: true, text: `failed per ${bucketMs} ms`, color: '#cf222e' },
});

/** Space above the zoom's data, as a share of its range, where the event labels go. */
export const ZOOM_LABEL_HEADROOM = '60%';

/** ±halfWidth ms around one switch's reload at 1 ms buckets: where the seed's downtime lives. */
export function zoomSpec(w: ZoomWindow): ChartSpec {
  const rel = (series: number[]) => series.map((y, i): Point => [round3(w.fromMs - w.centreMs + i * w.bucketMs), y]);
  const failed = Object.entries(w.failedByCode).map(([code, series]) => failureBars(code, nonZero(rel(series)), 4));
  const datasets = [line('ok from blue', rel(w.blue), COLOUR.blue), line('ok from green', rel(w.green), COLOUR.green), ...failed];
  if (w.other.some((v) => v > 0)) datasets.splice(2, 0, line('ok, colour unknown', rel(w.other), COLOUR.other));
  const spans = [
    ...(w.maxGap ? [{ from: w.maxGap.fromMs, to: w.maxGap.toMs, color: 'rgba(110,119,129,0.22)' }] : []),
    ...(w.errorWindow ? [{ from: w.errorWindow.fromMs, to: w.errorWindow.toMs, color: 'rgba(207,34,46,0.16)' }] : []),
  ];
  const lines = w.events
    .filter((e) => EVENT_STYLE[e.name] && Math.abs(e.atMs) <= (w.toMs - w.fromMs) / 2)
    .map((e) => ({ x: e.atMs, color: EVENT_STYLE[e.name].color, dash: EVENT_STYLE[e.name].dash, label: EVENT_STYLE[e.name].short, width: 1.5 }));
  const half = round3((w.toMs - w.fromMs) / 2);
  return {
    type: 'line',
    data: { datasets },
    options: {
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        title: title(`${w.label}: ${count(w.failedRequests)} failed · error window ${ms(w.errorWindowMs)} ms (red) · longest gap ${ms(w.maxGapMs)} ms (grey)`, 12),
        legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 10 } } },
        dtMarkers: { lines, spans },
      },
      scales: {
        x: { type: 'linear', offset: false, min: -half, max: half, title: { display: true, text: `ms from reload signal (${w.bucketMs} ms buckets)` } },
        // headroom above the data for the rows of event labels (chart-runtime.cjs places them)
        y: { beginAtZero: true, grace: ZOOM_LABEL_HEADROOM, title: { display: true, text: `ok per ${w.bucketMs} ms` } },
        y2: { ...failedAxis(w.bucketMs), grace: ZOOM_LABEL_HEADROOM },
      },
    },
  };
}

/** HdrHistogram-style percentile distribution, steady vs during switches, both axes log. */
export function latencySpec(report: Report): ChartSpec {
  const l = report.analysis.latency;
  const curve = (label: string, pts: Point[], color: string) => line(label, pts, color, { stepped: false, pointRadius: 0, borderWidth: 2 });
  return {
    type: 'line',
    data: { datasets: [curve('steady', percentileCurve(l.steady), COLOUR.blue), curve('during switches', percentileCurve(l.switching), '#cf222e')] },
    options: {
      plugins: { title: title('Latency of successful requests by percentile'), legend: { position: 'bottom' } },
      scales: {
        x: { type: 'logarithmic', min: 1, title: { display: true, text: 'percentile' }, ticks: { dtFormat: 'percentile', autoSkip: false, maxRotation: 0 } },
        y: { type: 'logarithmic', title: { display: true, text: 'latency ms' }, ticks: { dtFormat: 'log125' } },
      },
    },
  };
}

/** One bar chart of a figure across scenarios: a bar to the median, a dark whisker over the range. */
export function rangeBarSpec(
  titleText: string,
  rangeLabel: string,
  unit: string,
  groups: { label: string; min: number; median: number; max: number; values: number; text: string }[],
  /** what the bar reaches: `median` is the bar's height in every group (the max for the worst) */
  barStat = 'median',
): ChartSpec {
  // The whisker and the median's value are drawn by chart-runtime.cjs's dtRanges plugin: a
  // second bar dataset for the range read as a second series, and a zero bar as a missing one.
  const top = Math.max(0, ...groups.map((g) => g.max));
  return {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.label),
      datasets: [
        {
          label: barStat,
          data: groups.map((g) => g.median),
          backgroundColor: 'rgba(9,105,218,0.45)',
          borderColor: '#0969da',
          borderWidth: 1,
          barPercentage: 0.8,
        },
      ],
    },
    options: {
      plugins: {
        title: title(titleText),
        subtitle: { display: true, text: `bar: ${barStat}, its value above · whisker: ${rangeLabel}`, align: 'start', font: { size: 11 }, padding: { bottom: 8 } },
        legend: { display: false },
        dtRanges: { ranges: groups.map((g) => ({ min: g.min, median: g.median, max: g.max, text: g.text })) },
      },
      // headroom above the tallest whisker for the value labels; a chart of zeros still has an axis
      scales: { y: { beginAtZero: true, suggestedMax: top > 0 ? top * 1.15 : 1, title: { display: Boolean(unit), text: unit }, ticks: { dtFormat: 'thousands' } }, x: { ticks: { autoSkip: false } } },
    },
  };
}

const sum = (s: number[]) => s.reduce((a, b) => a + b, 0);

/** Failure buckets are sparse; a run failing everywhere is merged until it fits. */
function capNonZero(points: Point[]): Point[] {
  const nz = nonZero(points);
  if (nz.length <= MAX_POINTS) return nz;
  const factor = Math.ceil(nz.length / MAX_POINTS);
  const out: Point[] = [];
  for (let i = 0; i < points.length; i += factor) {
    let s = 0;
    for (let j = i; j < Math.min(points.length, i + factor); j++) s += points[j][1];
    if (s) out.push([points[i][0], s]);
  }
  return out;
}
