// report.html: one self-contained page (Chart.js inlined from node_modules, chart specs inlined
// as JSON), so it opens offline from disk and can be attached to a CI run as it is. Verdict
// first, then the timeline, a zoomed panel per switch, the tables, latency and errors.
import type { DisruptionFigures, LatencySummary } from '../analysis/types.ts';
import { changesFromScenario, changesText, changeText, nonDefaults } from './changes.ts';
import type { ZoomWindow } from './chart-data.ts';
import { codeColour, latencySpec, timelineSpec, zoomSpec } from './charts.ts';
import { EXPLAIN, th } from './explain.ts';
import { count, ms, msUnit, share } from '../numbers.ts';
import { canvas, esc, int, page, type PageChart } from './page.ts';
import type { Report } from '../stored/report.ts';
import { runVerdict } from './verdict.ts';
import { agentLines, clientLines, lateLine, loadClientText, loadLines } from './summary.ts';
import { CLIENT_LABELS } from '../load/client.ts';
import { explainCode } from '../records/failure-codes.ts';

export interface HtmlExtras {
  /** per switch, built from the records (run/store.ts); without them, no zoomed panels */
  zooms?: ZoomWindow[];
  /** nginx.conf and service-url.inc as nginx used them */
  proxyFiles?: Record<string, string>;
  /** PNG charts beside the report, relative to it */
  pngs?: string[];
}

/** Every chart of a run's report, by canvas id: the same specs the PNGs are drawn from. */
export function runCharts(report: Report, zooms: ZoomWindow[] = []): PageChart[] {
  return [
    { id: 'timeline', spec: timelineSpec(report) },
    ...zooms.map((w, i) => ({ id: `zoom-${i + 1}`, spec: zoomSpec(w) })),
    { id: 'latency', spec: latencySpec(report) },
  ];
}

export async function renderHtml(report: Report, extras: HtmlExtras = {}): Promise<string> {
  const { analysis: a, scenario: s, meta } = report;
  const loadClient = loadClientText(meta);
  const t = a.totals;
  const zooms = extras.zooms ?? [];
  const charts = runCharts(report, zooms);
  const verdict = runVerdict(report);
  const worst = worstSwitch(a.disruptions);
  const switches = a.disruptions.filter((d) => d.kind === 'switch').length;
  // a cell is its text, or [text, hover title]
  const cell = (c: string | number | [string, string]) => (Array.isArray(c) ? `<td title="${esc(c[1])}">${esc(c[0])}</td>` : `<td>${esc(String(c))}</td>`);
  const row = (cells: (string | number | [string, string])[], cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map(cell).join('')}</tr>`;
  const codes = (m: Record<string, number>) => Object.entries(m).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
  // milliseconds by the one rule (two decimals), like the terminal: never three
  const lat = (name: string, l: LatencySummary) => row([name, int(l.count), ...[l.p50, l.p90, l.p99, l.p999, l.p9999, l.max].map((v) => (l.count ? ms(v) : 'n/a'))]);
  const changed = nonDefaults(s);
  const fromFile = changesFromScenario(s);
  const fig = (v: string, k: string, title: string) => `<div class="fig" title="${esc(title)}"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`;

  const body = `
<h1>${esc(s.name)} <span class="meta" style="font-size:14px;font-weight:normal">downtime report</span></h1>
<div class="meta">${esc(s.description)}</div>
<div class="verdict ${verdict.tone}" id="verdict" data-outcome="${verdict.outcome}"><b>${esc(verdict.headline)}</b> — ${esc(verdict.outcome === 'incomplete' ? 'run stopped early (Ctrl-C)' : `${t.failed === 0 ? 'no failed requests' : `${int(t.failed)} failed request${t.failed === 1 ? '' : 's'}`} over ${switches} switch${switches === 1 ? '' : 'es'}`)};
worst error window ${msUnit(a.switchStats.errorWindowMs.max)}, worst gap ${msUnit(a.switchStats.maxGapMs.max)}
<div class="gate" style="font-size:13px;margin-top:4px">${esc(verdict.gateText)}</div>
${verdict.lines.length ? `<div style="font-size:13px;margin-top:4px">${verdict.lines.map(esc).join('<br>')}</div>` : ''}</div>
${t.backgroundFailures ? `<div class="verdict warn">${int(t.backgroundFailures)} background failures outside every switch: the baseline is not healthy</div>` : ''}
<div class="figs">
${fig(int(t.failed), 'failed requests', EXPLAIN.failedRun)}
${fig(msUnit(a.switchStats.errorWindowMs.max), 'worst error window', `The largest error window of any switch. ${EXPLAIN.errorWindowMs}`)}
${fig(msUnit(a.switchStats.maxGapMs.max), `worst gap (steady reference ${msUnit(a.gapReferenceMs)})`, `The longest gap of any switch, beside the steady-state reference. ${EXPLAIN.maxGapMs} ${EXPLAIN.gapReference}`)}
${fig(int(t.okPerSecond), 'successful requests / s', EXPLAIN.okPerSecond)}
${fig(a.latency.overall.count ? msUnit(a.latency.overall.p99) : 'n/a', 'p99 latency', EXPLAIN.p99)}
${fig(`${int(t.failedOnReused)} of ${int(t.failed)}`, 'failures on reused connections', EXPLAIN.onReusedTotal)}
</div>
<table>
<tr><td class="l">scenario</td><td class="l"><b>${esc(s.name)}</b>${changed.length ? ` — differs from the defaults in: ${changed.map((c) => `<code>${esc(changeText(c))}</code>`).join(' ')}` : ' (defaults otherwise)'}${fromFile.length ? `<br>changed from <code>scenarios/${esc(s.name)}.ts</code> for this run: <code>${esc(changesText(fromFile))}</code>` : ''}</td></tr>
<tr><td class="l">load</td><td class="l">${meta.protocol ? `${esc(meta.protocol)}, ` : ''}${s.load.connections} keep-alive connections${s.load.clientKeepAlive ? '' : ' (client keep-alive off)'}, ${ms(t.durationMs / 1000)} s, ${int(t.requests)} requests, ${int(t.okPerSecond)} ok/s, ${int(t.connections)} connections opened</td></tr>
${lateLine(report) ? `<tr><td class="l">schedule</td><td class="l">${esc(lateLine(report)!)}</td></tr>` : ''}
<tr><td class="l">client</td><td class="l">${esc(clientLines(report)[0] ?? CLIENT_LABELS[s.load.client ?? 'raw'])}</td></tr>
<tr><td class="l">load shape and meter</td><td class="l">${loadLines(report).map(esc).join('<br>')}</td></tr>
<tr><td class="l">proxy</td><td class="l">${esc(meta.proxy.version)}, worker_processes ${esc(String(s.proxy.workerProcesses))}, keepalive_timeout ${esc(s.proxy.keepaliveTimeout)}${s.proxy.workerShutdownTimeout ? `, worker_shutdown_timeout ${esc(s.proxy.workerShutdownTimeout)}` : ''}${s.proxy.connectionClose ? ', Connection: close' : ''}</td></tr>
${meta.stack ? `<tr><td class="l">stack</td><td class="l">${esc(meta.stack.driver)} driver${meta.stack.images ? `, images ${esc(meta.stack.images.proxy)} + ${esc(meta.stack.images.apps)} (${esc(meta.stack.engine ?? '')})` : ''}; traffic: ${esc(meta.stack.path)}</td></tr>` : ''}
<tr><td class="l">machine</td><td class="l">${esc(meta.machine.hostname)}: ${meta.machine.cpus} cpu (${esc(meta.machine.cpuModel)}), ${esc(meta.machine.platform)} ${esc(meta.machine.release)}, node ${esc(meta.node)}${loadClient ? `; load client ${esc(loadClient)}` : ''}</td></tr>
<tr><td class="l">date</td><td class="l">${esc(meta.startedAt)}</td></tr>
</table>

<h2>Timeline</h2>
<p class="meta">Successful responses per second by colour (left axis; the blue→green crossover at each switch), failed requests per ${a.timeline.bucketMs} ms by error code (bars, right axis), every switch's events as vertical lines and its longest gap shaded grey. Lines are at most 1,000 buckets (longer runs are downsampled keeping each slice's minimum and maximum, so a dip still shows); the milliseconds are in the panels below.</p>
${canvas('timeline', 'chart', EXPLAIN.timeline)}

<h2>Each switch up close</h2>
${zooms.length ? `<p class="meta">±${count((zooms[0].toMs - zooms[0].fromMs) / 2)} ms around each reload signal in ${zooms[0].bucketMs} ms buckets: successes by colour, failures by code (bars, right axis), the error window shaded red, the longest gap without a success shaded grey, each step of the switch a vertical line with its name (names of close steps are stacked in rows).${worst ? ` Worst: ${esc(worst.label)}.` : ''}</p>
<div class="zooms">${zooms.map((_, i) => canvas(`zoom-${i + 1}`, 'chart', EXPLAIN.zoom)).join('\n')}</div>` : '<p class="meta">No switches, or the records were not available to zoom in.</p>'}

<h2>Per switch</h2>
<table class="switches"><tr><th></th>${th('failed', EXPLAIN.failed)}${th('on reused', EXPLAIN.reused)}${th('errorWindow ms', EXPLAIN.errorWindowMs)}${th('maxGap ms', EXPLAIN.maxGapMs)}${th('excessGap ms', EXPLAIN.excessGapMs)}${th('last old → first new (ms)', EXPLAIN.crossover)}${th('new colour after', EXPLAIN.newShare)}${th('codes', EXPLAIN.codes, 'l')}</tr>
${a.disruptions.map((d) => row([d.label, count(d.failedRequests), `${count(d.failedOnReused)}${d.failedRequests ? (d.failedOnReused === d.failedRequests ? ' (all)' : '') : ''}`, ms(d.errorWindowMs), ms(d.maxGapMs), ms(d.excessGapMs), d.crossover ? [crossoverText(d.crossover), crossoverTitle(d.crossover)] : '-', d.crossover ? `${share(d.crossover.newShareAfter)}${d.crossover.tookEffect ? '' : ' NOT TAKEN'}` : '-', codes(d.byCode)], d === worst ? 'worst' : '')).join('\n')}
${a.switchStats.failedRequests.count > 1 ? (['median', 'mean', 'max'] as const).map((k) => `<tr>${th(k, EXPLAIN.stat[k])}<th>${count(a.switchStats.failedRequests[k])}</th><th></th><th>${ms(a.switchStats.errorWindowMs[k])}</th><th>${ms(a.switchStats.maxGapMs[k])}</th><th>${ms(a.switchStats.excessGapMs[k])}</th><th></th><th></th><th></th></tr>`).join('') : ''}
</table>
<p class="meta" id="crossover-note"><b>last old → first new</b>: ${esc(EXPLAIN.crossover)} The gap between them is not downtime: that is maxGap.</p>
<p class="meta">maxGap is the longest interval with no successful response on any connection that overlaps the switch's horizon, counted whole; the steady-state reference (the longest such interval outside switches, after warm-up, over at least a horizon's length of steady time) is ${a.gapReferenceMs === null ? 'n/a (no steady state)' : msUnit(a.gapReferenceMs)}, and excessGap is maxGap minus it.</p>

${a.agents ? `<h2>Agents</h2>
<p class="meta">The load came from ${a.agents.agents.length} agents; their records were merged onto this machine's clock (offset at the start, drift corrected to the end). Every errorWindow and maxGap above is ± ${msUnit(a.agents.gapUncertaintyMs)}: the two largest alignment errors together.</p>
<pre>${esc(agentLines(a.agents).slice(1).join('\n'))}</pre>` : ''}

<h2>Errors</h2>
${t.failed === 0 ? '<p>No failed requests.</p>' : `<table><tr>${th('code', EXPLAIN.code)}${th('count', 'How many failed requests had this code.')}${th('share', EXPLAIN.share)}${th('what it means', EXPLAIN.meaning, 'l')}</tr>
${Object.entries(t.byCode).sort((x, y) => y[1] - x[1]).map(([code, n]) => `<tr><td class="nw"><span style="color:${codeColour(code)}">■</span> ${esc(code)}</td><td>${int(n)}</td><td>${((100 * n) / t.failed).toFixed(1)}%</td><td class="l">${esc(explainCode(code))}</td></tr>`).join('\n')}
</table>
<p class="meta">By outcome: ${int(t.transportErrors)} transport errors (no complete response), ${int(t.httpErrors)} HTTP errors; ${int(t.failedOnReused)} of ${int(t.failed)} on keep-alive connections that had served before; ${int(t.backgroundFailures)} outside every switch.</p>`}

<h2>Latency of successful requests</h2>
${canvas('latency', 'chart', EXPLAIN.latencyChart)}
<table><tr>${th('ms', EXPLAIN.latency)}${th('count', EXPLAIN.count)}${['50', '90', '99', '99.9', '99.99'].map((p) => th(`p${p}`, EXPLAIN.percentile(p))).join('')}${th('max', EXPLAIN.max)}</tr>
${lat('overall', a.latency.overall)}${lat('steady', a.latency.steady)}${lat('during switches', a.latency.switching)}${s.load.model === 'open' ? lat('from due time (open model)', a.latency.fromScheduled) : ''}</table>

<h2>Totals</h2>
<table>
${row(['requests', int(t.requests)])}${row(['ok', int(t.ok)])}${row(['failed', int(t.failed)])}${row(['transport errors', int(t.transportErrors)])}${row(['HTTP errors', int(t.httpErrors)])}
${row(['failed on reused connections', int(t.failedOnReused)])}${row(['background failures', int(t.backgroundFailures)])}${row(['connections opened', int(t.connections)])}
</table>
${extras.pngs?.length ? `<p class="meta">PNG charts: ${extras.pngs.map((p) => `<a href="${esc(p)}">${esc(p)}</a>`).join(' · ')}</p>` : ''}

<h2>Configuration</h2>
${Object.entries(extras.proxyFiles ?? {}).map(([name, text]) => `<details><summary>${esc(name)}</summary><pre>${esc(text)}</pre></details>`).join('\n')}
<details><summary>scenario (resolved)</summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>
<p class="meta"><a href="../index.html">all runs</a></p>`;
  return page(`${s.name} — downtime report`, body, charts);
}

/** The switch with the most failures (then the widest error window, then the longest gap). */
export function worstSwitch(ds: DisruptionFigures[]): DisruptionFigures | null {
  let best: DisruptionFigures | null = null;
  for (const d of ds) {
    if (!best || d.failedRequests > best.failedRequests || (d.failedRequests === best.failedRequests && (d.errorWindowMs > best.errorWindowMs || (d.errorWindowMs === best.errorWindowMs && d.maxGapMs > best.maxGapMs)))) best = d;
  }
  return best;
}

/** "4,356.80 → 4,320.50": when the old colour last and the new one first answered, ms since load start. */
export const crossoverText = (c: { lastOldMs: number | null; firstNewMs: number | null }) => `${ms(c.lastOldMs)} → ${ms(c.firstNewMs)}`;

/** The hover title of one switch's crossover cell, in its own numbers. */
export function crossoverTitle(c: { lastOldMs: number | null; firstNewMs: number | null }): string {
  const { lastOldMs: old, firstNewMs: neu } = c;
  const order =
    old === null || neu === null
      ? ''
      : old > neu
        ? ` Here the old colour still answered ${ms(old - neu)} ms after the new one first did (old workers finishing what they held).`
        : ` Here the new colour first answered ${ms(neu - old)} ms after the old one last did.`;
  const at = (v: number | null, who: string) => (v === null ? `no success from the ${who} colour after the switch began` : `${who === 'old' ? 'the last' : 'the first'} success from the ${who} colour ended at ${ms(v)} ms`);
  return `Counted from the load's start: ${at(old, 'old')}, ${at(neu, 'new')}.${order}`;
}
