// What every generated page shares: the style sheet, the safe encodings of what is inlined, and
// the charts (Chart.js and chart-runtime.cjs inlined from disk, the specs as JSON), so each page
// opens offline alone. Pages are written with the `html` tag (html-template.ts), which escapes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChartSpec } from './charts.ts';
import { count } from '../numbers.ts';
import { html, raw, type Html } from './html-template.ts';

// The UMD build is not in chart.js's exports map: find it beside the package's main file.
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
export const RUNTIME = join(dirname(fileURLToPath(import.meta.url)), 'chart-runtime.cjs');

/** Safe to put inside <script>: no "</script" or "<!--" can end the element early. */
export const inlineScript = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
/**
 * JSON safe inside <script>, and still JSON: every "<" as \u003c (inlineScript's "<\!--" is
 * fine in JavaScript but an invalid escape in JSON, which broke every chart on the page).
 */
export const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1b1f24}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:30px 0 8px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}
a{color:#0969da}
.verdict{padding:12px 16px;border-radius:6px;margin:12px 0;font-size:15px}
.verdict b{font-size:17px}
.bad{background:#fde8e8;color:#8a1c1c}.good{background:#e6f6ea;color:#17602c}.warn{background:#fff4d6;color:#6b4b00}.neutral{background:#eef2f6;color:#24292f}
.figs{display:flex;gap:12px;flex-wrap:wrap;margin:10px 0}
.fig{border:1px solid #e3e6ea;border-radius:6px;padding:8px 14px;min-width:150px}
.fig .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}.fig .k{color:#57606a;font-size:12px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:6px 0}
td,th{padding:3px 10px;border-bottom:1px solid #e3e6ea;text-align:right;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td:first-child,th:first-child,td.l,th.l{text-align:left}
tr.worst td{background:#fff8f8}
.switches td:last-child{text-align:left} .nw{white-space:nowrap}
.cmp{width:100%} .cmp th{font-size:12px} td.gate{font-size:12px;color:#57606a;max-width:420px} code.changes{font-size:11px;white-space:nowrap}
.runs th{font-size:12px} .runs td.gate{max-width:160px} .chip{padding:1px 8px;margin:0;font-size:12px;white-space:nowrap;display:inline-block}
[title] .hover,.hover{text-decoration:underline dotted;cursor:help} th[title]{cursor:help}
.meta{color:#57606a} .chart{position:relative;height:360px;margin:8px 0}
.zooms{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:14px}
.zooms .chart{height:270px;border:1px solid #e3e6ea;border-radius:6px;padding:4px}
.bars{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}
.bars .chart{height:300px} .bars figure{margin:0} figcaption{font-size:12px}
pre{background:#f6f8fa;padding:10px;overflow:auto;font-size:12px;max-height:420px}
details{margin:6px 0} summary{cursor:pointer;color:#0969da}
code{background:#f6f8fa;padding:0 3px;border-radius:3px}
`;

export interface PageChart {
  id: string;
  spec: ChartSpec;
}

/** The canvas for a chart, in its sized container; `title` says in one line what it shows (on hover). */
export const canvas = (id: string, cls = 'chart', title = '') =>
  html`<div class="${cls}"${title && html` title="${title}"`}><canvas id="${id}" role="img"${title && html` aria-label="${title}"`}></canvas></div>`;

/** Chart.js, the runtime and the specs, and the loop that draws them; errors go to the console. */
export function chartScripts(charts: PageChart[]): Html {
  const chartJs = raw(inlineScript(readFileSync(CHART_JS, 'utf8')));
  const runtime = raw(inlineScript(readFileSync(RUNTIME, 'utf8')));
  return html`<script>${chartJs}</script>
<script>window.DowntimeCharts = (function (module) {\n${runtime}\nreturn module.exports;\n})({ exports: {} });</script>
<script id="chart-specs" type="application/json">${raw(inlineJson(charts))}</script>
<script>
// One chart per task, in page order: the verdict and the first chart show at once, the rest
// follow without blocking the page; window.chartsDrawn is set when every chart is drawn.
(function () {
  const charts = JSON.parse(document.getElementById('chart-specs').textContent);
  let i = 0;
  function next() {
    const c = charts[i++];
    if (!c) { window.chartsDrawn = true; document.documentElement.dataset.chartsDrawn = 'true'; return; }
    try { new Chart(document.getElementById(c.id), window.DowntimeCharts.hydrate(c.spec, 'html')); }
    catch (err) { console.error('chart ' + c.id + ': ' + err); }
    setTimeout(next, 0);
  }
  next();
})();
</script>`;
}

/** A headline figure in its box: the value, what it is, and on hover what it means. */
export const figure = (value: string, what: string, title: string) =>
  html`<div class="fig" title="${title}"><div class="v">${value}</div><div class="k">${what}</div></div>`;

/** The whole page: its title, the body (an `html` fragment) and its charts' scripts. */
export function page(title: string, body: Html, charts: PageChart[] = []): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>${raw(CSS)}</style></head><body>
${body}
${charts.length > 0 && chartScripts(charts)}
</body></html>
`.text;
}

/** Whole counts, by the one number rule (numbers.ts). */
export const int = (v: number) => count(v);
