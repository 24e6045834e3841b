// study.html: which fix works, and what it costs — for each traffic shape and client behaviour,
// the fixes ranked by failed requests per reload, with the recommendation derived from them.
import { CLIENT_PROFILES } from '../load/client-profiles.ts';
import type { CellFigures, ClientRow, Study } from '../study/results.ts';
import { rangeBarSpec } from './charts.ts';
import { count, ms, rate } from '../numbers.ts';
import { html, joinHtml, type Html } from './html-template.ts';
import { canvas, page, type PageChart } from './page.ts';

const share = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100)} %`);
const multiple = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}x`);
const link = (dir: string) => html`<a href="${dir.split('/').map(encodeURIComponent).join('/')}/report.html">run</a>`;
const meta = (text: string) => html`<span class="meta">${text}</span>`;

function row(c: CellFigures, rank: number): Html {
  const f = c.failedPerReload;
  const cls = !f ? 'neutral' : f.max === 0 ? 'good' : 'bad';
  const failed = f ? html`${count(f.median)} ${meta(`(worst ${count(f.max)})`)}` : (c.unmeasured ?? 'n/a');
  return html`<tr><td>${rank}</td><td class="l"><b>${c.label}</b>${c.fix === c.baseline && html` ${meta('(baseline)')}`}</td>${[
    html`<td class="l">${c.version ?? 'n/a'}</td>`,
    html`<td class="${cls}">${failed}</td>`,
    html`<td>${ms(c.worstErrorWindowMs)}</td><td>${ms(c.worstGapMs)}</td>`,
    html`<td>${rate(c.okPerSecond)} ${meta(share(c.cost.throughput))}</td>`,
    html`<td>${ms(c.p99LatencyMs)} ${meta(multiple(c.cost.p99))}</td>`,
    html`<td>${c.repeats}</td><td class="l">${joinHtml(c.runs.map(link), ' ')}</td></tr>`,
  ]}`;
}

/** What each client profile saw of the same fix and traffic: failed per reload, and what a retry hid. */
function clientTable(rows: ClientRow[]): Html | '' {
  if (!rows.length) return '';
  const clients = CLIENT_PROFILES.filter((id) => rows.some((r) => id in r.byClient));
  const cell = (v: ClientRow['byClient'][string] | undefined) =>
    v === undefined
      ? html`<td class="neutral">not run</td>`
      : v === null
        ? html`<td class="neutral">not measured</td>`
        : html`<td class="${v.failed === 0 ? 'good' : 'bad'}">${count(v.failed)}${v.hidden > 0 && html` ${meta(`(${count(v.hidden)} hidden by retry)`)}`}</td>`;
  const line = (r: ClientRow) => html`<tr><td class="l">${r.label}</td><td class="l">${r.shape}</td>${clients.map((c) => cell(r.byClient[c]))}</tr>`;
  return html`
<h2>What each client saw</h2>
<p>The same fix and traffic, measured with each client profile: failed requests per reload that users saw (median over the repeats), and in brackets
the failed first attempts the client resent, which it hid from its own count.</p>
<table><tr><th class="l">fix</th><th class="l">traffic</th>${clients.map((c) => html`<th>${c}</th>`)}</tr>
${joinHtml(rows.map(line), '\n')}
</table>`;
}

const RANKING_HEAD = html`<tr><th>#</th><th class="l">fix</th><th class="l">proxy</th><th>failed / reload</th>${[
  html`<th>worst error window ms</th><th>worst gap ms</th>`,
  html`<th>ok/s ${meta('of baseline')}</th><th>p99 ms ${meta('× baseline')}</th>`,
  html`<th>repeats</th><th class="l">runs</th></tr>`,
]}`;

export function renderStudy(study: Study): string {
  const charts: PageChart[] = study.rankings.map((r, i) => ({
    id: `study-${i}`,
    spec: rangeBarSpec(
      `Failed requests per reload — ${r.shape.id}, ${r.client.id}`,
      'range: worst repeat',
      'failed requests per reload',
      r.cells.map((c) => ({
        label: c.fix,
        min: 0,
        median: c.failedPerReload?.median ?? 0,
        max: c.failedPerReload?.max ?? 0,
        values: c.repeats,
        text: c.failedPerReload ? count(c.failedPerReload.median) : 'not measured',
      })),
    ),
  }));
  const sections = study.rankings.map(
    (r, i) => html`
<h2>${r.shape.label}; ${r.client.label}</h2>
<div class="verdict neutral"><ul style="margin:0">${r.recommendation.map((line) => html`<li>${line}</li>`)}</ul></div>
<table>${RANKING_HEAD}
${joinHtml(r.cells.map((c, k) => row(c, k + 1)), '\n')}
</table>
${canvas(`study-${i}`)}`,
  );
  const limits = study.limits.map((l) => html`<li>${l}</li>`);
  const body = html`
<h1>Which fix? <span class="meta" style="font-size:14px;font-weight:normal">${study.createdAt}</span></h1>
<p>Each fix ran with real switches (start the idle colour, rewrite the upstream, reload, stop the old colour) under each traffic shape and client behaviour below.
Fixes are ranked by what clients saw: failed requests per reload (median over the repeats, worst repeat in brackets), then by what the fix costs:
throughput as a share of, and p99 latency as a multiple of, plain keep-alive on the same proxy, version and path (the baseline).
The recommendation is derived from these figures.</p>
<div class="verdict warn">Your load tool may hide these failures. A client that resends a request that failed on a reused connection before any response byte
does not count it: browsers and curl do that for any method, Go's HTTP client for GET, HEAD and OPTIONS, so <b>Go-based load tools such as k6 and vegeta
report fewer failures at a reload than happen</b>, and none of what a retry saved. Go never resends a POST, nor does any client that must not send a call twice (a payment, an order):
what the post profile shows is what such calls lose. The raw profile (this harness's default) counts every failure the wire saw.</div>
${clientTable(study.clients ?? [])}
${limits.length > 0 && html`<h2>Where the answer depends on the traffic or the client</h2><ul>${limits}</ul>`}
${joinHtml(sections, '\n')}
<p class="meta"><a href="../index.html">all runs</a></p>`;
  return page('Which fix? — downtime study', body, charts);
}
