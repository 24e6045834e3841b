// reports/index.html: every stored run, newest first (scenario, verdict, failed, worst error
// window and gap, throughput, link to its report), and every comparison. Rebuilt from the run
// directories' report.json files, so it is always what is on disk.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../files.ts';
import { join } from 'node:path';
import { changesFromScenario, changesText } from './changes.ts';
import { EXPLAIN, th } from './explain.ts';
import { count, ms, rate } from '../numbers.ts';
import { html, joinHtml, type Html } from './html-template.ts';
import { page } from './page.ts';
import { gateShort, runVerdict, type Tone } from './verdict.ts';
import { parseReport } from '../stored/files.ts';

export interface IndexEntry {
  dir: string;
  kind: 'run' | 'compare';
  startedAt: string;
  title: string;
  /** what clients saw, e.g. "192 FAILED REQUESTS", "INCOMPLETE"; "comparison" or "unreadable" for those */
  verdict: string;
  tone: Tone | 'neutral';
  /** the gate's verdict in its own words, naming its thresholds */
  gate: string;
  /** the same in a few words, for the table (gate is its hover title) */
  gateShort?: string;
  /** what the run changed from its scenario file, and the proxy it measured */
  changes: string;
  proxy: string;
  failed: number | null;
  worstErrorWindowMs: number | null;
  worstGapMs: number | null;
  okPerSecond: number | null;
  switches: number | null;
  durationS: number | null;
  note: string;
}

/** Every run and comparison directory under root, newest first; unreadable ones are listed as such. */
export async function indexEntries(root: string): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  for (const dir of existsSync(root) ? await readdir(root, { withFileTypes: true }) : []) {
    if (!dir.isDirectory()) continue;
    const path = join(root, dir.name);
    if (existsSync(join(path, 'compare.json'))) {
      try {
        const c = JSON.parse(await readFile(join(path, 'compare.json'), 'utf8')) as { createdAt: string; groups: { label: string; runs: unknown[] }[] };
        out.push({
          dir: dir.name,
          kind: 'compare',
          startedAt: c.createdAt,
          title: c.groups.map((g) => `${g.label}${g.runs.length > 1 ? ` ×${g.runs.length}` : ''}`).join(' · '),
          verdict: 'comparison',
          tone: 'neutral',
          ...NOT_A_RUN,
          note: '',
        });
      } catch (err) {
        out.push(broken(dir.name, 'compare', err));
      }
      continue;
    }
    if (!existsSync(join(path, 'report.json'))) continue;
    try {
      const r = parseReport(await readFile(join(path, 'report.json'), 'utf8'), 'report.json');
      const a = r.analysis;
      const v = runVerdict(r);
      out.push({
        dir: dir.name,
        kind: 'run',
        startedAt: r.meta.startedAt,
        title: r.scenario.name,
        verdict: v.headline,
        tone: v.tone,
        gate: v.gateText,
        gateShort: gateShort(v),
        changes: changesText(changesFromScenario(r.scenario)),
        proxy: r.meta.proxy.version,
        failed: a.totals.failed,
        worstErrorWindowMs: a.switchStats.errorWindowMs.max,
        worstGapMs: a.switchStats.maxGapMs.max,
        okPerSecond: a.totals.okPerSecond,
        switches: a.disruptions.length,
        durationS: a.totals.durationMs / 1000,
        note: [a.totals.backgroundFailures ? `${a.totals.backgroundFailures} background failures` : '', ...a.problems].filter(Boolean).join('; '),
      });
    } catch (err) {
      out.push(broken(dir.name, 'run', err));
    }
  }
  // Newest first; run directories are named by their start time, so the name breaks ties.
  return out.sort((x, y) => (y.startedAt || '').localeCompare(x.startedAt || '') || y.dir.localeCompare(x.dir));
}

/** What a comparison or an unreadable directory has none of: a gate, a proxy, a run's figures. */
const NOT_A_RUN = {
  gate: '',
  changes: '',
  proxy: '',
  failed: null,
  worstErrorWindowMs: null,
  worstGapMs: null,
  okPerSecond: null,
  switches: null,
  durationS: null,
} as const satisfies Partial<IndexEntry>;

function broken(dir: string, kind: 'run' | 'compare', err: unknown): IndexEntry {
  return { dir, kind, startedAt: '', title: dir, verdict: 'unreadable', tone: 'bad', ...NOT_A_RUN, note: (err as Error).message };
}

export function renderIndex(entries: IndexEntry[]): string {
  const runs = entries.filter((e) => e.kind === 'run');
  const compares = entries.filter((e) => e.kind === 'compare');
  const body = html`
<h1>Downtime runs</h1>
<p class="meta">${[
    `${runs.length} run${runs.length === 1 ? '' : 's'}, ${compares.length} comparison${compares.length === 1 ? '' : 's'}, newest first. `,
    'Open a run for its timeline, each switch up close, latency and errors. ',
  ]}Regenerated after every run; <code>npm run reports</code> serves this directory.</p>
${compares.length > 0 && comparisonsTable(compares)}
<h2>Runs</h2>
${runs.length ? runsTable(runs) : html`<p>No runs yet: <code>npm run scenario keepalive-60s</code>.</p>`}`;
  return page('Downtime runs', body);
}

const when = (iso: string) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '');

function comparisonsTable(compares: IndexEntry[]): Html {
  const head = [
    th('created', 'When the comparison was made (UTC).', 'l'),
    th('scenarios', 'The configurations compared, ×N for N repeats of one.', 'l'),
    th('report', 'The comparison page.', 'l'),
  ];
  const link = (e: IndexEntry) =>
    e.verdict === 'unreadable' ? e.note : html`<a href="${encodeURIComponent(e.dir)}/compare.html">${e.dir}</a>`;
  const rows = compares.map((e) => html`<tr><td class="l">${when(e.startedAt)}</td><td class="l">${e.title}</td><td class="l">${link(e)}</td></tr>`);
  return html`<h2>Comparisons</h2>
<table><tr>${head}</tr>
${joinHtml(rows, '\n')}
</table>`;
}

function runsTable(runs: IndexEntry[]): Html {
  const head = [
    th('started', EXPLAIN.started, 'l'),
    th('scenario', EXPLAIN.scenario, 'l'),
    th('clients saw', EXPLAIN.clientsSaw, 'l'),
    th('gate', EXPLAIN.gate, 'l'),
    th('failed', EXPLAIN.failedRun),
    th('worst errorWindow ms', `The largest error window of any switch. ${EXPLAIN.errorWindowMs}`),
    th('worst maxGap ms', `The longest gap of any switch. ${EXPLAIN.maxGapMs}`),
    th('ok/s', EXPLAIN.okPerSecond),
    th('switches', EXPLAIN.switches),
    th('s', EXPLAIN.seconds),
    th('proxy', EXPLAIN.proxy, 'l'),
    th('notes', EXPLAIN.notes, 'l'),
  ];
  return html`<table class="runs"><tr>${head}</tr>
${joinHtml(runs.map(runRow), '\n')}
</table>`;
}

/** One run: when, what (linked to its report, with its changes), what clients saw, the gate, the figures. */
function runRow(e: IndexEntry): Html {
  const started = when(e.startedAt);
  const space = started.indexOf(' ');
  // the date above the time
  const date = space < 0 ? started : html`${started.slice(0, space)}<br>${started.slice(space + 1)}`;
  const title = e.verdict === 'unreadable' ? e.title : html`<a href="${encodeURIComponent(e.dir)}/report.html" title="${e.dir}">${e.title}</a>`;
  const cells = [
    html`<td class="l nw">${date}</td>`,
    html`<td class="l"><b>${title}</b>${e.changes && html`<br>${changeChips(e.changes)}`}</td>`,
    html`<td class="l"><span class="verdict ${e.tone} chip">${e.verdict}</span></td>`,
    gateCell(e),
    html`<td>${e.failed === null ? '' : count(e.failed)}</td>`,
    html`<td>${ms(e.worstErrorWindowMs)}</td><td>${ms(e.worstGapMs)}</td>`,
    html`<td>${e.okPerSecond === null ? '' : rate(e.okPerSecond)}</td>`,
    html`<td>${e.switches ?? ''}</td>`,
    html`<td>${e.durationS === null ? '' : ms(e.durationS)}</td>`,
    html`<td class="l">${e.proxy}</td>`,
    html`<td class="l meta">${e.note}</td>`,
  ];
  return html`<tr>${cells}</tr>`;
}

/** The gate in a few words; its full text (the thresholds it used) on hover. */
const gateCell = (e: IndexEntry) =>
  e.gate ? html`<td class="l gate" title="${e.gate}"><span class="hover">${e.gateShort ?? e.gate}</span></td>` : html`<td class="l gate"></td>`;

/** "load.durationMs=4s switches.count=1" as one chip per change, so a line breaks between them. */
const changeChips = (changes: string) =>
  joinHtml(
    changes.split(/ (?=[\w.]+=)/).map((c) => html`<code class="changes">${c}</code>`),
    ' ',
  );

/** Rewrites root/index.html from what is on disk; returns its path. */
export async function writeIndex(root: string): Promise<string> {
  const path = join(root, 'index.html');
  await writeFileAtomic(path, renderIndex(await indexEntries(root)));
  return path;
}
