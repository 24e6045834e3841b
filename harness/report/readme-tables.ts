// The measured tables of README.md and docs/*.md, made from what the commands print (report.json
// with --json, calibrate's rows), and written between markers so a script can regenerate them in
// place, in whichever of those files holds the markers:
//   <!-- measured:NAME -->  …  <!-- /measured:NAME -->
// Each table says which machine, which day and which command made it. Pure: no I/O.
import type { Study } from '../study/results.ts';
import { count, ms, rate } from '../numbers.ts';
import type { Report } from '../stored/report.ts';
import { runVerdict } from './verdict.ts';

/** The measured sections, in the order npm run readme-tables makes them. */
export const SECTIONS = ['scenarios', 'docker', 'study', 'clients', 'calibration', 'bench'] as const;

const openMarker = (name: string) => `<!-- measured:${name} -->`;

/**
 * Which file holds each section: a section's markers may sit in any one of the files (README.md
 * or a page in docs/), so a table moves with its page and no list has to follow it. Throws when a
 * section is in none of them, or in more than one (one of the two copies would go stale).
 */
export function locateSections(files: Record<string, string>, names: readonly string[]): Record<string, string> {
  const where: Record<string, string> = {};
  for (const name of names) {
    const holders = Object.keys(files).filter((f) => files[f].includes(openMarker(name)));
    if (holders.length === 0) throw new Error(`no "${openMarker(name)}" section in ${Object.keys(files).join(', ')}`);
    if (holders.length > 1) throw new Error(`"${openMarker(name)}" is in ${holders.join(' and ')}: keep it in one file`);
    where[name] = holders[0];
  }
  return where;
}

/** Replaces the body between a section's markers; throws when the text has no such section. */
export function replaceSection(text: string, name: string, body: string): string {
  const open = openMarker(name);
  const close = `<!-- /measured:${name} -->`;
  const from = text.indexOf(open);
  const to = text.indexOf(close);
  if (from < 0 || to < from) throw new Error(`no "${open}" … "${close}" section`);
  return `${text.slice(0, from + open.length)}\n${body.trim()}\n${text.slice(to)}`;
}

/** "2 cpu (Intel Xeon …), linux 6.1.0, Node v20.20.2" (each row names its proxy; runs made with undici name it) */
export const machineOf = (r: Report) =>
  `${r.meta.machine.cpus} cpu (${r.meta.machine.cpuModel}), ${r.meta.machine.platform} ${r.meta.machine.release}, Node ${r.meta.node}${r.meta.undici ? `, undici ${r.meta.undici}` : ''}`;

/** The line above a table: when, where, and the exact command. */
export const provenance = (what: string, date: string, machine: string, command: string, note = '') =>
  `${what}, made on ${date.slice(0, 10)} on ${machine} by \`${command}\` (regenerate: \`npm run readme-tables\`).${note ? ` ${note}` : ''}`;

const pair = (a: number | null, b: number | null, f: (v: number | null) => string) => `${f(a)} / ${f(b)}`;

/** One row per scenario; one that could not run here says why. */
export function scenarioTable(results: (Report | { name: string; reason: string })[]): string {
  const rows = results.map((r) => {
    if (!('analysis' in r)) return `| \`${r.name}\` | could not measure here: ${r.reason.replace(/\|/g, '\\|')} | | | | | | | |`;
    const a = r.analysis;
    const st = a.switchStats;
    const v = runVerdict(r);
    return `| \`${r.scenario.name}\` | ${a.totals.failed === 0 ? '**0**' : count(a.totals.failed)} (${a.disruptions.length} switch${a.disruptions.length === 1 ? '' : 'es'}) | ${pair(st.failedRequests.median, st.failedRequests.max, count)} | ${pair(st.errorWindowMs.median, st.errorWindowMs.max, ms)} | ${pair(st.maxGapMs.median, st.maxGapMs.max, ms)} | ${rate(a.totals.okPerSecond)} | ${count(a.totals.backgroundFailures)} | ${v.gate === 'none' ? 'no thresholds' : v.gate} | ${r.meta.proxy.version}${r.scenario.driver && r.scenario.driver !== 'local' ? ` (${r.scenario.driver})` : ''} |`;
  });
  return [
    '| scenario | failed | per switch median / max | errorWindow ms median / max | maxGap ms median / max | ok req/s | background | gate | proxy |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
}

/** What the calibration table shows of each row of run/calibration.ts's (it is a CalibrationRow). */
export interface CalibrationCell {
  mode: string;
  plannedMs: number;
  truthMs: number;
  errorWindowMs: number;
  maxGapMs: number;
  withinTolerance: boolean;
}

/** Modes down, outage lengths across: Δ = measured − truth for errorWindow / maxGap, "out" when beyond tolerance. */
export function calibrationTable(rows: CalibrationCell[]): string {
  const planned = [...new Set(rows.map((r) => r.plannedMs))].sort((a, b) => a - b);
  const modes = [...new Set(rows.map((r) => r.mode))];
  const d = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
  const cell = (r: CalibrationCell | undefined) => (r ? `${d(r.errorWindowMs - r.truthMs)} / ${d(r.maxGapMs - r.truthMs)}${r.withinTolerance ? '' : ' **out**'}` : 'n/a');
  return [
    `| mode: errorWindow Δ / maxGap Δ (ms) | ${planned.map((p) => `${p} ms`).join(' | ')} |`,
    `| --- | ${planned.map(() => '---:').join(' | ')} |`,
    ...modes.map((m) => `| ${m} | ${planned.map((p) => cell(rows.find((r) => r.mode === m && r.plannedMs === p))).join(' | ')} |`),
  ].join('\n');
}

/** Fix and traffic down, client profiles across: failed per reload users saw, and what a retry hid. */
export function clientsTable(study: Study): string {
  const rows = study.clients ?? [];
  if (!rows.length) return '';
  const clients = [...new Set(rows.flatMap((r) => Object.keys(r.byClient)))];
  const cell = (v: Study['clients'][number]['byClient'][string] | undefined) =>
    v === undefined ? 'not run' : v === null ? 'not measured' : `${v.failed === 0 ? '**0**' : count(v.failed)}${v.hidden > 0 ? ` (${count(v.hidden)} hidden by retry)` : ''}`;
  return [
    `| fix | traffic | ${clients.join(' | ')} |`,
    `| --- | --- | ${clients.map(() => '---:').join(' | ')} |`,
    ...rows.map((r) => `| ${r.label} | ${r.shape} | ${clients.map((c) => cell(r.byClient[c])).join(' | ')} |`),
  ].join('\n');
}

/**
 * The study: per shape and client, the fixes ranked, with what each costs against its baseline
 * (a client measured on one fix only has no ranking: it is in the clients' table), then what
 * each client profile saw.
 */
export function studyTable(study: Study): string {
  const share = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100)} %`);
  const times = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)}x`);
  const clients = clientsTable(study);
  return study.rankings
    .filter((r) => r.cells.length > 1)
    .map((r) =>
      [
        `**${r.shape.label}; ${r.client.label}**`,
        '',
        '| # | fix | proxy | failed / reload median (worst) | worst errorWindow ms | worst gap ms | ok req/s (of baseline) | p99 ms (× baseline) |',
        '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |',
        ...r.cells.map((c, i) => {
          const f = c.failedPerReload;
          const failed = f ? `${f.max === 0 ? '**0**' : count(f.median)} (${count(f.max)})` : `not measured: ${c.unmeasured}`;
          return `| ${i + 1} | ${c.label} | ${c.version ?? 'n/a'} | ${failed} | ${ms(c.worstErrorWindowMs)} | ${ms(c.worstGapMs)} | ${rate(c.okPerSecond)} (${share(c.cost.throughput)}) | ${ms(c.p99LatencyMs)} (${times(c.cost.p99)}) |`;
        }),
        '',
        ...r.recommendation.map((line) => `- ${line}`),
      ].join('\n'),
    )
    .concat(clients ? [`**Failed per reload as each client saw it** (median over the repeats):\n\n${clients}`] : [])
    .concat(study.limits.length ? [`Where the answer depends on the traffic or the client:\n\n${study.limits.map((l) => `- ${l}`).join('\n')}`] : [])
    .join('\n\n');
}
