// report.html: one self-contained page (Chart.js inlined from node_modules, chart specs inlined
// as JSON), so it opens offline from disk and can be attached to a CI run as it is. Verdict
// first, then the timeline, a zoomed panel per switch, the tables, latency and errors.
import type { DisruptionFigures, LatencySummary } from '../analysis/types.ts';
import { changesFromScenario, changesText, changeText, nonDefaults } from './changes.ts';
import type { ZoomWindow } from './chart-data.ts';
import { codeColour, latencySpec, timelineSpec, zoomSpec } from './charts.ts';
import { EXPLAIN, th } from './explain.ts';
import { count, ms, msUnit, share } from '../numbers.ts';
import { html, joinHtml, type Html, type Interpolation } from './html-template.ts';
import { canvas, figure, int, page, type PageChart } from './page.ts';
import type { Report } from '../stored/report.ts';
import { runVerdict } from './verdict.ts';
import { agentLines, clientLines, lateLine, loadClientText, loadLines } from './summary.ts';
import { CLIENT_LABELS } from '../load/client-profiles.ts';
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
  const zooms = extras.zooms ?? [];
  const worst = worstSwitch(report.analysis.disruptions);
  const sections = [
    html`${verdictBlock(report)}\n${figures(report)}\n${runTable(report)}`,
    html`<h2>Timeline</h2>\n${timelineNote(report)}\n${canvas('timeline', 'chart', EXPLAIN.timeline)}`,
    html`<h2>Each switch up close</h2>\n${zoomPanels(zooms, worst)}`,
    html`<h2>Per switch</h2>\n${switchTable(report, worst)}`,
    agentsSection(report),
    html`<h2>Errors</h2>\n${errorsSection(report)}`,
    html`<h2>Latency of successful requests</h2>\n${latencySection(report)}`,
    html`<h2>Totals</h2>\n${totalsSection(report, extras.pngs ?? [])}`,
    html`<h2>Configuration</h2>\n${configuration(report, extras.proxyFiles ?? {})}`,
  ];
  const title = `${report.scenario.name} — downtime report`;
  return page(title, html`\n${joinHtml(sections, '\n\n')}`, runCharts(report, zooms));
}

/** The name, the verdict (what clients saw, then the gate), and a warning when the baseline failed. */
function verdictBlock(report: Report): Html {
  const { analysis: a, scenario: s } = report;
  const t = a.totals;
  const verdict = runVerdict(report);
  const switches = a.disruptions.filter((d) => d.kind === 'switch').length;
  const failed = t.failed === 0 ? 'no failed requests' : `${int(t.failed)} failed request${t.failed === 1 ? '' : 's'}`;
  const saw = verdict.outcome === 'incomplete' ? 'run stopped early (Ctrl-C)' : `${failed} over ${switches} switch${switches === 1 ? '' : 'es'}`;
  const small = 'font-size:13px;margin-top:4px';
  const lines = verdict.lines.length > 0 && html`<div style="${small}">${joinHtml(verdict.lines, html`<br>`)}</div>`;
  const background =
    t.backgroundFailures > 0 &&
    html`<div class="verdict warn">${int(t.backgroundFailures)} background failures outside every switch: the baseline is not healthy</div>`;
  return html`<h1>${s.name} <span class="meta" style="font-size:14px;font-weight:normal">downtime report</span></h1>
<div class="meta">${s.description}</div>
<div class="verdict ${verdict.tone}" id="verdict" data-outcome="${verdict.outcome}"><b>${verdict.headline}</b> — ${saw};
worst error window ${msUnit(a.switchStats.errorWindowMs.max)}, worst gap ${msUnit(a.switchStats.maxGapMs.max)}
<div class="gate" style="${small}">${verdict.gateText}</div>
${lines}</div>
${background}`;
}

/** The headline figures, each explained on hover. */
function figures({ analysis: a }: Report): Html {
  const t = a.totals;
  const gap = `worst gap (steady reference ${msUnit(a.gapReferenceMs)})`;
  return html`<div class="figs">
${joinHtml(
  [
    figure(int(t.failed), 'failed requests', EXPLAIN.failedRun),
    figure(msUnit(a.switchStats.errorWindowMs.max), 'worst error window', `The largest error window of any switch. ${EXPLAIN.errorWindowMs}`),
    figure(msUnit(a.switchStats.maxGapMs.max), gap, `The longest gap of any switch, beside the steady-state reference. ${EXPLAIN.maxGapMs} ${EXPLAIN.gapReference}`),
    figure(int(t.okPerSecond), 'successful requests / s', EXPLAIN.okPerSecond),
    figure(a.latency.overall.count ? msUnit(a.latency.overall.p99) : 'n/a', 'p99 latency', EXPLAIN.p99),
    figure(`${int(t.failedOnReused)} of ${int(t.failed)}`, 'failures on reused connections', EXPLAIN.onReusedTotal),
  ],
  '\n',
)}
</div>`;
}

/** What ran, on what, when: the scenario and its changes, the load, the client, the proxy, the machine. */
function runTable(report: Report): Html {
  const { analysis: a, scenario: s, meta } = report;
  const t = a.totals;
  const changed = nonDefaults(s);
  const fromFile = changesFromScenario(s);
  const differs = changed.length
    ? html` — differs from the defaults in: ${joinHtml(
        changed.map((c) => html`<code>${changeText(c)}</code>`),
        ' ',
      )}`
    : ' (defaults otherwise)';
  const changedHere =
    fromFile.length > 0 && html`<br>changed from <code>scenarios/${s.name}.ts</code> for this run: <code>${changesText(fromFile)}</code>`;
  const load =
    `${meta.protocol ? `${meta.protocol}, ` : ''}${s.load.connections} keep-alive connections` +
    `${s.load.clientKeepAlive ? '' : ' (client keep-alive off)'}, ${ms(t.durationMs / 1000)} s, ${int(t.requests)} requests, ` +
    `${int(t.okPerSecond)} ok/s, ${int(t.connections)} connections opened`;
  const p = s.proxy;
  const proxy =
    `${meta.proxy.version}, worker_processes ${p.workerProcesses}, keepalive_timeout ${p.keepaliveTimeout}` +
    `${p.workerShutdownTimeout ? `, worker_shutdown_timeout ${p.workerShutdownTimeout}` : ''}${p.connectionClose ? ', Connection: close' : ''}`;
  const stack = meta.stack;
  const images = stack?.images ? `, images ${stack.images.proxy} + ${stack.images.apps} (${stack.engine ?? ''})` : '';
  const m = meta.machine;
  const loadClient = loadClientText(meta);
  const machine = `${m.hostname}: ${m.cpus} cpu (${m.cpuModel}), ${m.platform} ${m.release}, node ${meta.node}${loadClient ? `; load client ${loadClient}` : ''}`;
  const late = lateLine(report);
  const rows = [
    info('scenario', html`<b>${s.name}</b>${differs}${changedHere}`),
    info('load', load),
    late !== null && info('schedule', late),
    info('client', clientLines(report)[0] ?? CLIENT_LABELS[s.load.client ?? 'raw']),
    info('load shape and meter', joinHtml(loadLines(report), html`<br>`)),
    info('proxy', proxy),
    stack && info('stack', `${stack.driver} driver${images}; traffic: ${stack.path}`),
    info('machine', machine),
    info('date', meta.startedAt),
  ];
  return html`<table>
${joinHtml(rows, '\n')}
</table>`;
}

/** One row of the run table: its label, and what it says. */
const info = (label: string, content: Interpolation) => html`<tr><td class="l">${label}</td><td class="l">${content}</td></tr>`;

/** What the timeline shows, under its heading. */
const timelineNote = ({ analysis: a }: Report) =>
  html`<p class="meta">${[
    html`Successful responses per second by colour (left axis; the blue→green crossover at each switch), `,
    html`failed requests per ${a.timeline.bucketMs} ms by error code (bars, right axis), `,
    html`every switch's events as vertical lines and its longest gap shaded grey. `,
    html`Lines are at most 1,000 buckets (longer runs are downsampled keeping each slice's minimum and maximum, so a dip still shows); `,
    html`the milliseconds are in the panels below.`,
  ]}</p>`;

/** A close-up of every switch, or why there is none. */
function zoomPanels(zooms: ZoomWindow[], worst: DisruptionFigures | null): Html {
  if (!zooms.length) return html`<p class="meta">No switches, or the records were not available to zoom in.</p>`;
  const z = zooms[0];
  const note = [
    html`±${count((z.toMs - z.fromMs) / 2)} ms around each reload signal in ${z.bucketMs} ms buckets: `,
    html`successes by colour, failures by code (bars, right axis), the error window shaded red, `,
    html`the longest gap without a success shaded grey, `,
    html`each step of the switch a vertical line with its name (names of close steps are stacked in rows).`,
    worst && html` Worst: ${worst.label}.`,
  ];
  const panels = zooms.map((_, i) => canvas(`zoom-${i + 1}`, 'chart', EXPLAIN.zoom));
  return html`<p class="meta">${note}</p>
<div class="zooms">${joinHtml(panels, '\n')}</div>`;
}
// a cell is its text, or [text, hover title]
type Cell = string | number | [string, string];
const cell = (c: Cell) => (Array.isArray(c) ? html`<td title="${c[1]}">${c[0]}</td>` : html`<td>${c}</td>`);
const row = (cells: Cell[], cls = '') => html`<tr${cls && html` class="${cls}"`}>${cells.map(cell)}</tr>`;
const codes = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

/** One row per switch (the worst marked), its statistics when there are several, and what two columns mean. */
function switchTable({ analysis: a }: Report, worst: DisruptionFigures | null): Html {
  const head = [
    th('failed', EXPLAIN.failed),
    th('on reused', EXPLAIN.reused),
    th('errorWindow ms', EXPLAIN.errorWindowMs),
    th('maxGap ms', EXPLAIN.maxGapMs),
    th('excessGap ms', EXPLAIN.excessGapMs),
    th('last old → first new (ms)', EXPLAIN.crossover),
    th('new colour after', EXPLAIN.newShare),
    th('codes', EXPLAIN.codes, 'l'),
  ];
  const rows = a.disruptions.map((d) => {
    const all = d.failedRequests && d.failedOnReused === d.failedRequests ? ' (all)' : '';
    const c = d.crossover;
    const cells: Cell[] = [
      d.label,
      count(d.failedRequests),
      `${count(d.failedOnReused)}${all}`,
      ms(d.errorWindowMs),
      ms(d.maxGapMs),
      ms(d.excessGapMs),
      c ? [crossoverText(c), crossoverTitle(c)] : '-',
      c ? `${share(c.newShareAfter)}${c.tookEffect ? '' : ' NOT TAKEN'}` : '-',
      codes(d.byCode),
    ];
    return row(cells, d === worst ? 'worst' : '');
  });
  const st = a.switchStats;
  const stats =
    st.failedRequests.count > 1 &&
    (['median', 'mean', 'max'] as const).map(
      (k) =>
        html`<tr>${th(k, EXPLAIN.stat[k])}<th>${count(st.failedRequests[k])}</th><th></th>${[
          html`<th>${ms(st.errorWindowMs[k])}</th><th>${ms(st.maxGapMs[k])}</th><th>${ms(st.excessGapMs[k])}</th>`,
        ]}<th></th><th></th><th></th></tr>`,
    );
  const reference = a.gapReferenceMs === null ? 'n/a (no steady state)' : msUnit(a.gapReferenceMs);
  return html`<table class="switches"><tr><th></th>${head}</tr>
${joinHtml(rows, '\n')}
${stats}
</table>
<p class="meta" id="crossover-note"><b>last old → first new</b>: ${EXPLAIN.crossover} The gap between them is not downtime: that is maxGap.</p>
<p class="meta">${[
    html`maxGap is the longest interval with no successful response on any connection that overlaps the switch's horizon, counted whole; `,
    html`the steady-state reference (the longest such interval outside switches, after warm-up, `,
    html`over at least a horizon's length of steady time) is ${reference}, and excessGap is maxGap minus it.`,
  ]}</p>`;
}

/** The load agents, when the load came from several: their figures and how well their clocks align. */
function agentsSection({ analysis: a }: Report): Html | '' {
  if (!a.agents) return '';
  return html`<h2>Agents</h2>
<p class="meta">${[
    html`The load came from ${a.agents.agents.length} agents; `,
    html`their records were merged onto this machine's clock (offset at the start, drift corrected to the end). `,
    html`Every errorWindow and maxGap above is ± ${msUnit(a.agents.gapUncertaintyMs)}: the two largest alignment errors together.`,
  ]}</p>
<pre>${agentLines(a.agents).slice(1).join('\n')}</pre>`;
}

/** The failures by code, each with what it means. */
function errorsSection({ analysis: a }: Report): Html {
  const t = a.totals;
  if (t.failed === 0) return html`<p>No failed requests.</p>`;
  const head = [
    th('code', EXPLAIN.code),
    th('count', 'How many failed requests had this code.'),
    th('share', EXPLAIN.share),
    th('what it means', EXPLAIN.meaning, 'l'),
  ];
  const rows = Object.entries(t.byCode)
    .sort((x, y) => y[1] - x[1])
    .map(
      ([code, n]) =>
        html`<tr><td class="nw"><span style="color:${codeColour(code)}">■</span> ${code}</td>${[
          html`<td>${int(n)}</td><td>${((100 * n) / t.failed).toFixed(1)}%</td><td class="l">${explainCode(code)}</td></tr>`,
        ]}`,
    );
  return html`<table><tr>${head}</tr>
${joinHtml(rows, '\n')}
</table>
<p class="meta">${[
    html`By outcome: ${int(t.transportErrors)} transport errors (no complete response), ${int(t.httpErrors)} HTTP errors; `,
    html`${int(t.failedOnReused)} of ${int(t.failed)} on keep-alive connections that had served before; `,
    html`${int(t.backgroundFailures)} outside every switch.`,
  ]}</p>`;
}

/** The latency chart, and its percentiles: overall, steady, during switches (and from due time, open model). */
function latencySection({ analysis: a, scenario: s }: Report): Html {
  // milliseconds by the one rule (two decimals), like the terminal: never three
  const lat = (name: string, l: LatencySummary) =>
    row([name, int(l.count), ...[l.p50, l.p90, l.p99, l.p999, l.p9999, l.max].map((v) => (l.count ? ms(v) : 'n/a'))]);
  const head = [
    th('ms', EXPLAIN.latency),
    th('count', EXPLAIN.count),
    ['50', '90', '99', '99.9', '99.99'].map((p) => th(`p${p}`, EXPLAIN.percentile(p))),
    th('max', EXPLAIN.max),
  ];
  const l = a.latency;
  const rows = [
    lat('overall', l.overall),
    lat('steady', l.steady),
    lat('during switches', l.switching),
    s.load.model !== 'closed' && lat(`from due time (${s.load.model} model)`, l.fromScheduled),
  ];
  return html`${canvas('latency', 'chart', EXPLAIN.latencyChart)}
<table><tr>${head}</tr>
${rows}</table>`;
}

/** Every count of the run, and the PNG charts beside the report. */
function totalsSection({ analysis: a }: Report, pngs: string[]): Html {
  const t = a.totals;
  const first = [
    row(['requests', int(t.requests)]),
    row(['ok', int(t.ok)]),
    row(['failed', int(t.failed)]),
    row(['transport errors', int(t.transportErrors)]),
    row(['HTTP errors', int(t.httpErrors)]),
  ];
  const second = [
    row(['failed on reused connections', int(t.failedOnReused)]),
    row(['background failures', int(t.backgroundFailures)]),
    row(['connections opened', int(t.connections)]),
  ];
  const links = joinHtml(
    pngs.map((p) => html`<a href="${p}">${p}</a>`),
    ' · ',
  );
  return html`<table>
${first}
${second}
</table>
${pngs.length > 0 && html`<p class="meta">PNG charts: ${links}</p>`}`;
}

/** The proxy's files as it used them, and the resolved scenario. */
function configuration({ scenario: s }: Report, proxyFiles: Record<string, string>): Html {
  const files = Object.entries(proxyFiles).map(([name, text]) => html`<details><summary>${name}</summary><pre>${text}</pre></details>`);
  return html`${joinHtml(files, '\n')}
<details><summary>scenario (resolved)</summary><pre>${JSON.stringify(s, null, 2)}</pre></details>
<p class="meta"><a href="../index.html">all runs</a></p>`;
}

/** The switch with the most failures (then the widest error window, then the longest gap). */
export function worstSwitch(ds: DisruptionFigures[]): DisruptionFigures | null {
  let best: DisruptionFigures | null = null;
  for (const d of ds) {
    const worse =
      !best ||
      d.failedRequests > best.failedRequests ||
      (d.failedRequests === best.failedRequests &&
        (d.errorWindowMs > best.errorWindowMs || (d.errorWindowMs === best.errorWindowMs && d.maxGapMs > best.maxGapMs)));
    if (worse) best = d;
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
  const at = (v: number | null, who: string) =>
    v === null
      ? `no success from the ${who} colour after the switch began`
      : `${who === 'old' ? 'the last' : 'the first'} success from the ${who} colour ended at ${ms(v)} ms`;
  return `Counted from the load's start: ${at(old, 'old')}, ${at(neu, 'new')}.${order}`;
}
