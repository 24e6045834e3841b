// report.html: one self-contained page (Chart.js inlined from node_modules, data inlined as
// JSON), so it opens offline from disk and can be attached to a CI run as it is.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../analysis/types.ts';
import type { Report } from './report.ts';

// The UMD build is not in chart.js's exports map: find it beside the package's main file.
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
/** Charts stay light whatever the run's length: buckets are merged (summed, so spikes stay). */
const MAX_TIMELINE_POINTS = 3000;
const PERCENTILES = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 100];

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** Safe to put inside <script>: no "</script" can close the element early. */
const inlineScript = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1');

export function mergeBuckets(series: number[], factor: number): number[] {
  if (factor <= 1) return series;
  const out: number[] = [];
  for (let i = 0; i < series.length; i += factor) out.push(series.slice(i, i + factor).reduce((a, b) => a + b, 0));
  return out;
}

/** [percentile, ms] points of a latency histogram, for an HdrHistogram-style plot. */
export function percentileCurve(l: LatencySummary): [number, number][] {
  if (l.count === 0) return [];
  const h = hdr.decodeFromCompressedBase64(l.encoded);
  return PERCENTILES.map((p) => [p, (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000]);
}

export async function renderHtml(report: Report): Promise<string> {
  const { analysis: a, scenario: s, meta } = report;
  const tl = a.timeline;
  const factor = Math.ceil(tl.ok.length / MAX_TIMELINE_POINTS);
  const data = {
    bucketMs: tl.bucketMs * factor,
    ok: mergeBuckets(tl.ok, factor),
    blue: mergeBuckets(tl.blue, factor),
    green: mergeBuckets(tl.green, factor),
    failed: mergeBuckets(tl.failed, factor),
    markers: a.disruptions.flatMap((d) =>
      d.events.filter((e) => ['reload-signalled', 'old-workers-gone', 'outage-start'].includes(e.name)).map((e) => ({ atMs: e.atMs, name: e.name, label: d.label })),
    ),
    latency: { steady: percentileCurve(a.latency.steady), switching: percentileCurve(a.latency.switching) },
  };
  const t = a.totals;
  const tookEffect = a.problems.length === 0;
  const verdict = `${t.failed === 0 ? 'no failed requests' : `${t.failed.toLocaleString('en-US')} failed requests`}` +
    `, worst error window ${a.switchStats.errorWindowMs.max.toFixed(2)} ms, worst gap ${a.switchStats.maxGapMs.max.toFixed(2)} ms`;
  const row = (cells: (string | number)[]) => `<tr>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  const codes = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'none' : `${(v * 100).toFixed(1)}%`);
  const lat = (name: string, l: LatencySummary) =>
    row([name, l.count, l.p50, l.p90, l.p99, l.p999, l.p9999, l.max].map((v) => (typeof v === 'number' ? +v.toFixed(3) : v)));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${esc(s.name)} — downtime report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#1b1f24}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}
.bad{background:#fde8e8;color:#8a1c1c}.good{background:#e6f6ea;color:#17602c}.warn{background:#fff4d6;color:#6b4b00}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid #e3e6ea;text-align:right}
td:first-child,th:first-child{text-align:left} .meta{color:#57606a} .chart{position:relative;height:340px}
pre{background:#f6f8fa;padding:10px;overflow:auto;font-size:12px}
</style></head><body>
<h1>${esc(s.name)}</h1>
<div class="meta">${esc(s.description)}<br>${esc(meta.proxy.version)} · ${s.load.connections} connections · ${(t.durationMs / 1000).toFixed(1)} s ·
${t.okPerSecond.toLocaleString('en-US')} ok/s · ${esc(meta.startedAt)} · ${esc(meta.machine.hostname)} (${meta.machine.cpus} cpu, ${esc(meta.machine.cpuModel)}) · node ${esc(meta.node)} · undici ${esc(meta.undici)}</div>
<div class="verdict ${t.failed ? 'bad' : 'good'}">${esc(verdict)}</div>
${tookEffect ? '' : `<div class="verdict bad">${a.problems.map(esc).join('<br>')}</div>`}
${t.backgroundFailures ? `<div class="verdict warn">${t.backgroundFailures} background failures outside every switch: the baseline is not healthy</div>` : ''}
${meta.aborted ? '<div class="verdict warn">Run stopped early (Ctrl-C): partial results.</div>' : ''}
${meta.error ? `<div class="verdict warn">Run ended early: ${esc(meta.error)}</div>` : ''}
<h2>Timeline</h2>
<p class="meta">Successful responses per ${data.bucketMs} ms by colour (left axis), failed requests (right axis); dashed lines mark reloads signalled, dotted ones old workers gone.</p>
<div class="chart"><canvas id="timeline"></canvas></div>
<h2>Per switch</h2>
<table><tr><th></th><th>failed</th><th>on reused</th><th>errorWindow ms</th><th>maxGap ms</th><th>excessGap ms</th><th>new colour after</th><th>codes</th></tr>
${a.disruptions.map((d) => row([d.label, d.failedRequests, d.failedOnReused, d.errorWindowMs.toFixed(2), d.maxGapMs.toFixed(2), d.excessGapMs === null ? 'n/a' : d.excessGapMs.toFixed(2), d.crossover ? pct(d.crossover.newShareAfter) : '-', codes(d.byCode)])).join('\n')}
</table>
<p class="meta">Steady-state reference for gaps (p99.9 of the interval between successful responses outside switches, after warm-up): ${a.gapReferenceMs === null ? 'n/a (no steady state)' : `${a.gapReferenceMs.toFixed(2)} ms`}.</p>
<h2>Totals</h2>
<table>
${row(['requests', t.requests])}${row(['ok', t.ok])}${row(['failed', t.failed])}${row(['transport errors', t.transportErrors])}${row(['HTTP errors', t.httpErrors])}
${row(['failed on reused connections', t.failedOnReused])}${row(['background failures', t.backgroundFailures])}${row(['connections opened', t.connections])}
${row(['failed by code', codes(t.byCode)])}
</table>
<h2>Latency of successful requests</h2>
<div class="chart"><canvas id="latency"></canvas></div>
<table><tr><th>ms</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>p99.99</th><th>max</th></tr>
${lat('overall', a.latency.overall)}${lat('steady', a.latency.steady)}${lat('during switches', a.latency.switching)}</table>
<h2>Scenario</h2>
<pre>${esc(JSON.stringify(s, null, 2))}</pre>
<script>${inlineScript(await readFile(CHART_JS, 'utf8'))}</script>
<script id="data" type="application/json">${inlineScript(JSON.stringify(data))}</script>
<script>${inlineScript(PAGE_SCRIPT)}</script>
</body></html>
`;
}

// Runs in the browser. Kept as plain text so the page needs nothing but itself.
const PAGE_SCRIPT = `
const d = JSON.parse(document.getElementById('data').textContent);
const xs = d.ok.map((_, i) => (i * d.bucketMs) / 1000);
const pts = (ys) => ys.map((y, i) => ({ x: xs[i], y }));
const markers = {
  id: 'markers',
  afterDatasetsDraw(chart) {
    const { ctx, chartArea: a, scales: { x } } = chart;
    ctx.save();
    for (const m of d.markers) {
      const px = x.getPixelForValue(m.atMs / 1000);
      if (px < a.left || px > a.right) continue;
      ctx.strokeStyle = m.name === 'old-workers-gone' ? '#8250df' : '#57606a';
      ctx.setLineDash(m.name === 'old-workers-gone' ? [2, 3] : [6, 4]);
      ctx.beginPath(); ctx.moveTo(px, a.top); ctx.lineTo(px, a.bottom); ctx.stroke();
    }
    ctx.restore();
  },
};
new Chart(document.getElementById('timeline'), {
  type: 'line',
  data: { datasets: [
    { label: 'ok (blue)', data: pts(d.blue), borderColor: '#0969da', borderWidth: 1, pointRadius: 0, stepped: true, yAxisID: 'y' },
    { label: 'ok (green)', data: pts(d.green), borderColor: '#1a7f37', borderWidth: 1, pointRadius: 0, stepped: true, yAxisID: 'y' },
    { label: 'failed', data: pts(d.failed), borderColor: '#cf222e', backgroundColor: 'rgba(207,34,46,.35)', fill: true, borderWidth: 1.5, pointRadius: 0, stepped: true, yAxisID: 'y2' },
  ] },
  options: { animation: false, maintainAspectRatio: false, parsing: false, normalized: true, interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: { x: { type: 'linear', title: { display: true, text: 'seconds since load start' } },
      y: { beginAtZero: true, title: { display: true, text: 'ok per ' + d.bucketMs + ' ms' } },
      y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'failed per ' + d.bucketMs + ' ms' } } } },
  plugins: [markers],
});
// HdrHistogram-style percentile plot: x is 1/(1-p), log-scaled, labelled as percentiles.
const px = (p) => 1 / (1 - Math.min(p, 99.9999) / 100);
const curve = (c) => c.map(([p, ms]) => ({ x: px(p), y: ms }));
new Chart(document.getElementById('latency'), {
  type: 'line',
  data: { datasets: [
    { label: 'steady', data: curve(d.latency.steady), borderColor: '#0969da', pointRadius: 2 },
    { label: 'during switches', data: curve(d.latency.switching), borderColor: '#cf222e', pointRadius: 2 },
  ] },
  options: { animation: false, maintainAspectRatio: false,
    scales: { x: { type: 'logarithmic', min: 1, title: { display: true, text: 'percentile' },
        ticks: { callback: (v) => { const p = 100 * (1 - 1 / v); const q = [0, 90, 99, 99.9, 99.99, 99.999].find((q) => Math.abs(q - p) < 1e-6); return q === undefined ? '' : q + '%'; } } },
      y: { type: 'logarithmic', title: { display: true, text: 'latency ms' } } } },
});
`;
