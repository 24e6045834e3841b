// shape.html: the traffic shape derived from access logs, one page that opens offline: the
// headline figures, the series over the log's time, each distribution's percentiles and
// histogram, the method and status mix, and the lines that did not parse.
import type { DistributionFigures, Shape } from '../shape/schema.ts';
import { count, counted, durationText, ms, rate, share } from '../numbers.ts';
import { html, joinHtml, type Html } from './html-template.ts';
import { canvas, figure, page, type PageChart } from './page.ts';
import { histogramSpec, shapeSeriesSpec } from './shape-charts.ts';

/** What each figure means, on hover; the words follow docs/SHAPE.md. */
const MEANS = {
  rate: 'Requests per second by start ($msec − $request_time): the mean over the log, and the busiest bucket.',
  open: "Connections open during a bucket: from their first request's start to their last request's end (the idle tail before the close is not in the log).",
  opening: 'Connections whose first line has $connection_requests 1, per second, by that request\'s start.',
  perConnection: "nginx's own count of a connection's requests: $connection_requests of its last line.",
  idle: "From a request's end to the next request's start on the same connection, when the log has both (consecutive $connection_requests).",
  rtt: "The kernel's smoothed round-trip time of the connection ($tcpinfo_rtt) when each request ended.",
};

/** A distribution's figures as table cells, each through `show` (its unit). */
const cells = (d: DistributionFigures, show: (v: number | null) => string) =>
  [d.min, d.p50, d.p90, d.p99, d.p999, d.max, d.mean].map((v) => html`<td>${show(v)}</td>`);

const mix = (counts: Record<string, number>, total: number) =>
  joinHtml(
    Object.entries(counts).map(([k, n]) => html`<tr><td class="l">${k}</td><td>${count(n)}</td><td>${share(n / total)}</td></tr>`),
    '\n',
  );

export function renderShape(shape: Shape): string {
  const r = shape.requests;
  const c = shape.connections;
  const us = (v: number | null) => (v === null ? 'n/a' : ms(v / 1000));
  const charts: PageChart[] = [
    { id: 'requests', spec: shapeSeriesSpec(shape, 'requests', 'requests / s', true) },
    { id: 'open', spec: shapeSeriesSpec(shape, 'open', 'connections open', false) },
    { id: 'opened', spec: shapeSeriesSpec(shape, 'opened', 'connections opened / s', true) },
    { id: 'idle', spec: histogramSpec(shape.idleMs, 'idle time between requests on a connection', 'ms') },
    { id: 'per-connection', spec: histogramSpec(c.requestsPerConnection, 'requests per connection', 'requests') },
    { id: 'rtt', spec: histogramSpec(shape.rttUs, 'round trip ($tcpinfo_rtt)', 'µs') },
  ];
  const distributions: [string, string, DistributionFigures, (v: number | null) => string][] = [
    ['idle time between requests', 'ms', shape.idleMs, ms],
    ['requests per connection', 'requests', c.requestsPerConnection, count],
    ['round trip', 'ms', shape.rttUs, us],
  ];
  const examples = shape.lines.examples.map((e) => html`<tr><td class="l">${e.path}:${e.line}</td><td class="l">${e.reason}</td><td class="l"><code>${e.text}</code></td></tr>`);
  const body: Html = html`
<h1>Traffic shape <span class="meta" style="font-size:14px;font-weight:normal">${new Date(shape.span.fromMs).toISOString()} to ${new Date(shape.span.toMs).toISOString()}</span></h1>
<p class="meta">From ${joinHtml(shape.sources.map((s) => html`<code>${s.path}</code>${s.gzip && ' (gzip)'}`), ', ')}: ${count(shape.lines.total)} lines,
${count(shape.lines.plain)} plain and ${count(shape.lines.json)} JSON, ${count(shape.lines.malformed)} malformed, ${count(shape.lines.blank)} blank.
A connection with no request for longer than ${durationText(shape.horizonMs)} is counted closed.</p>
<div class="figs">
${joinHtml(
  [
    figure(count(r.total), 'requests', 'Every line that parsed is one request.'),
    figure(`${rate(r.rate.meanPerSecond)} / ${rate(r.rate.peakPerSecond)}`, 'requests / s, mean / peak', MEANS.rate),
    figure(`${count(Math.round(c.open.mean * 10) / 10)} / ${count(c.open.peak)}`, 'connections open, mean / peak', MEANS.open),
    figure(`${rate(c.opening.meanPerSecond)} / ${rate(c.opening.peakPerSecond)}`, 'connections opened / s, mean / peak', MEANS.opening),
    figure(count(c.requestsPerConnection.p50), 'requests per connection, median', MEANS.perConnection),
    figure(ms(shape.idleMs.p50), 'idle ms between requests, median', MEANS.idle),
    figure(us(shape.rttUs.p50), 'round trip ms, median', MEANS.rtt),
  ],
  '\n',
)}
</div>
<h2>Over time</h2>
${canvas('requests', 'chart', MEANS.rate)}
${canvas('open', 'chart', MEANS.open)}
${canvas('opened', 'chart', MEANS.opening)}
<h2>Distributions</h2>
<table><tr><th class="l">figure</th><th class="l">unit</th><th>count</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>
${joinHtml(
  distributions.map(([what, unit, d, show]) => html`<tr><td class="l">${what}</td><td class="l">${unit}</td><td>${count(d.count)}</td>${cells(d, show)}</tr>`),
  '\n',
)}
</table>
<p class="meta">Connections: ${count(c.total)} seen, ${count(c.opened)} opened within the log, ${count(c.continued)} already open when it began
(first line with $connection_requests above 1); ${count(c.closedByHorizon)} counted closed by the horizon, ${count(c.openAtEnd)} open at its end.
${counted(shape.idleMs.overlapping, 'request')} began before the previous one on their connection ended (HTTP/2, pipelining): no idle time.
${counted(r.unlogged, 'request')} missing from the log (numbers skipped in $connection_requests); ${counted(shape.rttUs.missing, 'line')} without a round trip.</p>
<div class="bars">
${canvas('idle', 'chart', MEANS.idle)}
${canvas('per-connection', 'chart', MEANS.perConnection)}
${canvas('rtt', 'chart', MEANS.rtt)}
</div>
<h2>Methods and statuses</h2>
<div class="figs">
<table><tr><th class="l">method</th><th>requests</th><th>share</th></tr>${mix(r.methods, r.total)}</table>
<table><tr><th class="l">status</th><th>requests</th><th>share</th></tr>${mix(r.statuses, r.total)}</table>
</div>
${examples.length > 0 && html`<h2>Malformed lines</h2>
<p>${counted(shape.lines.malformed, 'line')} did not parse and ${shape.lines.malformed === 1 ? 'was' : 'were'} skipped; the first ${examples.length}:</p>
<table><tr><th class="l">line</th><th class="l">why</th><th class="l">text</th></tr>${examples}</table>`}`;
  return page('Traffic shape — downtime harness', body, charts);
}
