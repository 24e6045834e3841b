// The terminal summary: one table, per switch and in total, with the error codes.
import { count, ms, msUnit, rate, share as shareText } from '../numbers.ts';
import { addedRoundTripMs } from '../network/delay-line.ts';
import type { AgentFigures, AgentsAnalysis } from '../analysis/types.ts';
import type { Report } from '../stored/report.ts';
import { runVerdict, verdictLine } from './verdict.ts';

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

const codes = (byCode: Record<string, number>) =>
  Object.entries(byCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, k]) => `${code} ${count(k)}`)
    .join(', ') || '-';

/** Median lateness past which an open-model run no longer has the idle connections it asked for. */
const BEHIND_MS = 10;

/** The load's shape, the delay line, and the meter's own health: stalls of the load threads. */
export function loadLines({ analysis: a, scenario: s, meta }: Report): string[] {
  const out: string[] = [];
  const l = a.latency;
  // Both send on a schedule, so both keep due times: lateness and latency from them.
  const scheduled = s.load.model === 'open' || s.load.model === 'shape';
  if (scheduled) {
    const asked =
      s.load.model === 'open'
        ? `open model: ${rate(s.load.rate ?? 0)} req/s asked (${s.load.arrivals}${s.load.rampMs ? `, ramp ${s.load.rampMs} ms` : ''})`
        : `shape model: ${s.load.shape}${s.load.shapeScale === 1 ? '' : ` × ${s.load.shapeScale}`} replayed`;
    out.push(
      `${asked}, ${rate(a.totals.requestsPerSecond)} sent/s; ` +
        `sent late by p50 ${ms(a.sendLag.p50)} p99 ${ms(a.sendLag.p99)} max ${ms(a.sendLag.max)} ms; ` +
        `latency from due time p50 ${ms(l.fromScheduled.p50)} p99 ${ms(l.fromScheduled.p99)} max ${ms(l.fromScheduled.max)} ms`,
    );
  }
  if (s.load.model === 'shape' && !meta.network) {
    out.push('no delay line: the shape\'s clients were as far away as its round trip (shape.html); network.delayMs at half its p50 puts them there (docs/LOAD.md)');
  }
  const unsent = meta.loadUnsent ?? 0;
  if (scheduled && (a.sendLag.p50 > BEHIND_MS || unsent > 0)) {
    out.push(
      `!! the load fell behind its schedule (sent late p50 ${ms(a.sendLag.p50)} ms, ${count(unsent)} due requests never sent): ` +
        (s.load.model === 'shape'
          ? `connections waited for a place under load.connections (${s.load.connections} open at once), or the service or the load thread (see its stalls) could not keep up, so this run is not the traffic it asked for`
          : 'the service or the load thread (see its stalls) could not keep up, requests queued for busy connections instead of arriving on idle ones, so this run is not the traffic it asked for'),
    );
  }
  const net = meta.network;
  if (net) {
    out.push(
      `delay line: ${net.delayMs} ms asked each way; held p50/p99 ${ms(net.up.p50Ms)}/${ms(net.up.p99Ms)} ms to the proxy, ` +
        `${ms(net.down.p50Ms)}/${ms(net.down.p99Ms)} ms back: adds ~${ms(addedRoundTripMs(net))} ms per round trip`,
    );
    if (s.load.model === 'open' && a.switchStats.failedRequests.count > 0) {
      out.push(besideRateLine(a.switchStats.failedRequests.median, s.load.rate ?? 0, addedRoundTripMs(net)));
    }
  }
  const st = a.loadStalls;
  const inSwitches = a.disruptions.filter((d) => d.loadStallMs > 0).map((d) => `${d.label} ${ms(d.loadStallMs)}`);
  out.push(
    `load threads: ${meta.loadThreads ?? 1}; their event-loop stalls >= 1 ms: ${count(st.count)}` +
      (st.count ? ` (${count(st.over5ms)} >= 5 ms), longest ${ms(st.longestMs)} ms at ${ms((st.longestAtMs ?? 0) / 1000)} s` : '') +
      (inSwitches.length ? `; inside switch horizons (gaps there may include them): ${inSwitches.join(', ')} ms` : ''),
  );
  return out;
}

/**
 * Failures per switch beside what the delay predicts: rate × added round trip is how many
 * requests go out while one round trip passes, so about how many can be on their way when a
 * closing connection's FIN is. A first estimate from docs/LOAD.md, not a law; both are counts.
 */
export function besideRateLine(medianFailed: number | null, ratePerS: number, roundTripMs: number): string {
  const expected = (ratePerS * roundTripMs) / 1000;
  return (
    `failed per switch (median) ${count(medianFailed)}, beside ${count(expected)} expected from rate × added round trip ` +
    `(${rate(ratePerS)} req/s × ${ms(roundTripMs)} ms: the requests sent while one round trip passes, about how many can be ` +
    `on their way when a connection closes; a first estimate, not a law)`
  );
}

/** How late a switch may start before it is said: the event loop's own delay is well under it. */
export const LATE_MS = 100;
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** "1.7 s", or "1.7–1.8 s" */
const s1Range = (lo: number, hi: number) => (s1(lo) === s1(hi) ? s1(hi) : `${(lo / 1000).toFixed(1)}–${s1(hi)}`);

/** Which client made the load, and its version: meta.client, or undici's version in runs stored while the load used it. */
export const loadClientText = (meta: Report['meta']): string | null =>
  meta.client ? `${meta.client.name} ${meta.client.version}` : meta.undici ? `undici ${meta.undici}` : null;

/**
 * Why a run took longer than asked, or null when it did not: a switch that takes longer than
 * the time between switches pushes the next back (each waits for the one before), and the
 * cool-down runs from the last one's end.
 */
export function lateLine({ meta, scenario: s }: Report): string | null {
  const schedule = meta.schedule ?? [];
  const late = schedule.filter((x) => x.startedMs - x.dueMs > LATE_MS);
  const ended = schedule.flatMap((x) => (x.endedMs === null ? [] : [x.endedMs]));
  const pushedEnd = ended.length ? Math.max(...ended) + s.load.cooldownMs : 0;
  const pushed = pushedEnd > s.load.durationMs + LATE_MS;
  if (!late.length && !pushed) return null;
  const what = schedule.every((x) => x.label.startsWith('switch')) ? 'switch' : 'action';
  const took = schedule.flatMap((x) => (x.endedMs === null ? [] : [x.endedMs - x.startedMs]));
  const spacing = schedule.length > 1 ? schedule[1].dueMs - schedule[0].dueMs : null;
  const tookText = took.length
    ? `each ${what} took ${s1Range(Math.min(...took), Math.max(...took))}` +
      (spacing !== null && Math.max(...took) > spacing ? `, more than the ${s1(spacing)} between them` : '')
    : '';
  const parts = [
    tookText,
    late.length ? `so ${late.map((x) => `${x.label} started ${s1(x.startedMs - x.dueMs)} late`).join(', ')} (each waits for the one before)` : '',
    pushed ? `the cool-down (${s1(s.load.cooldownMs)}) ran from the last ${what}'s end at ${s1(Math.max(...ended))}, so the load ran ${s1(pushedEnd)}, not the ${s1(s.load.durationMs)} asked` : '',
  ].filter(Boolean);
  return `longer than asked: ${parts.join('; ')}`;
}

/** What the client profile did with failures: the retrying one's hidden attempts, said beside what users saw. */
export function clientLines({ analysis: a, scenario: s }: Report): string[] {
  const t = a.totals;
  if (s.load.client === 'retrying') {
    const hidden = t.hiddenByRetry ?? 0;
    return [
      `client retrying (as browsers, curl and Go for GET): users saw ${count(t.failed)} failed; the retry hid ${count(hidden)} more ` +
        `(${codes(t.hiddenByCode ?? {})}), failed on a reused connection before any response byte and resent once: without the retry, users would have seen ${count(t.failed + hidden)}`,
    ];
  }
  if (s.load.client === 'post') return ['client post: POST requests with a body, never resent: every failure above reached a user'];
  return [];
}

export function formatSummary(report: Report, reportPath?: string): string {
  const { analysis: a, scenario: s, meta } = report;
  const t = a.totals;
  const out: string[] = [];
  out.push(
    `${s.name}: ${meta.proxy.version}, ${meta.protocol ? `${meta.protocol}, ` : ''}${s.load.connections} connections, ` +
      `${a.disruptions.length} ${a.disruptions.every((d) => d.kind === 'switch') ? (a.disruptions.length === 1 ? 'switch' : 'switches') : 'disruptions'}, ${ms(t.durationMs / 1000)} s` +
      (meta.aborted ? '  [STOPPED EARLY: partial results]' : ''),
  );
  out.push(verdictLine(runVerdict(report)));
  if (meta.stack) {
    const images = meta.stack.images ? `, ${meta.stack.images.proxy} + ${meta.stack.images.apps}` : '';
    out.push(`stack: ${meta.stack.driver}${images}; traffic ${meta.stack.path}${meta.stack.config ? `; configuration ${meta.stack.config}` : ''}`);
  }
  const late = lateLine(report);
  if (late) out.push(late);
  out.push(
    `requests ${count(t.requests)}   ok ${count(t.ok)}   failed ${count(t.failed)} (transport ${count(t.transportErrors)}, http ${count(t.httpErrors)})   ` +
      `${rate(t.okPerSecond)} ok/s   connections ${count(t.connections)}`,
  );
  out.push(`failed by code: ${codes(t.byCode)}   on reused connections: ${count(t.failedOnReused)} of ${count(t.failed)}`);
  out.push(...clientLines(report));
  if (t.backgroundFailures > 0) {
    out.push(`!! ${count(t.backgroundFailures)} BACKGROUND FAILURES outside every switch: the baseline itself is not healthy`);
  }
  out.push('');
  const retrying = s.load.client === 'retrying';
  const rows = [['', 'failed', 'reused', ...(retrying ? ['hidden by retry'] : []), 'errorWindow ms', 'maxGap ms', 'excessGap ms', 'new colour after', 'codes']];
  // With agents, gaps and windows span two machines' clocks: each carries their alignment error.
  const pm = a.agents ? ` ±${ms(a.agents.gapUncertaintyMs)}` : '';
  for (const d of a.disruptions) {
    rows.push([
      d.label,
      count(d.failedRequests),
      count(d.failedOnReused),
      ...(retrying ? [count(d.hiddenByRetry ?? 0)] : []),
      `${ms(d.errorWindowMs)}${pm}`,
      `${ms(d.maxGapMs)}${pm}`,
      `${ms(d.excessGapMs)}${pm}`,
      d.crossover ? `${shareText(d.crossover.newShareAfter)}${d.crossover.tookEffect ? '' : ' NOT TAKEN'}` : '-',
      codes(d.byCode),
    ]);
  }
  const st = a.switchStats;
  if (st.failedRequests.count > 1) {
    for (const stat of ['median', 'mean', 'max'] as const) {
      rows.push([stat, count(st.failedRequests[stat]), '', ...(retrying ? [''] : []), ms(st.errorWindowMs[stat]), ms(st.maxGapMs[stat]), ms(st.excessGapMs[stat]), '', '']);
    }
  }
  if (rows.length > 1) out.push(table(rows, rows[0].map((_, c) => c > 0 && c < rows[0].length - 1)));
  out.push(`steady-state gap reference (longest gap between successes after warm-up, outside switches): ${msUnit(a.gapReferenceMs)}`);
  const l = a.latency;
  // a histogram of no successes says 0 for every percentile: there is no latency to show
  const p99 = (h: typeof l.steady) => (h.count ? ms(h.p99) : 'n/a');
  out.push(
    l.overall.count
      ? `latency ms (ok): p50 ${ms(l.overall.p50)}  p99 ${ms(l.overall.p99)}  p99.9 ${ms(l.overall.p999)}  max ${ms(l.overall.max)}` +
          `   steady p99 ${p99(l.steady)}, during switches p99 ${p99(l.switching)}`
      : 'latency ms (ok): n/a (no successful response)',
  );
  out.push(...loadLines(report));
  if (a.agents) out.push('', ...agentLines(a.agents));
  for (const p of a.problems) out.push(`!! ${p}`);
  for (const note of a.notes ?? []) out.push(`note: ${note}`);
  if (meta.error) out.push(`!! run ended early: ${meta.error}`);
  if (reportPath) out.push(`report: ${reportPath}`);
  return out.join('\n');
}

/** Load from agents: each one's share of the figures, its round trip, and its clock's alignment. */
export function agentLines(x: AgentsAnalysis): string[] {
  const rows = [['agent', 'task', 'host', 'requests', 'ok/s', 'failed', 'per switch', 'latency p50/p99 ms', 'clock offset ms', 'align ± ms', 'sync RTT start/end ms', 'drift ppm']];
  for (const g of x.agents) {
    rows.push([
      String(g.agent), g.task.slice(0, 12), g.host, count(g.requests), rate(g.okPerSecond), count(g.failed), g.failedPerDisruption.join(' ') || '-',
      `${ms(g.latencyMs.p50)}/${ms(g.latencyMs.p99)}`, ms(g.clock.offsetMs), ms(g.clock.errorMs), g.clock.roundTripMs.map(ms).join('/'), g.clock.driftPpm.toFixed(1),
    ]);
  }
  const sum = (f: (g: AgentFigures) => number) => x.agents.reduce((n, g) => n + f(g), 0);
  const perSwitch = (x.agents[0]?.failedPerDisruption ?? []).map((_, i) => sum((g) => g.failedPerDisruption[i]));
  rows.push(['all', '', '', count(sum((g) => g.requests)), rate(sum((g) => g.okPerSecond)), count(sum((g) => g.failed)), perSwitch.join(' ') || '-', '', '', '', '', '']);
  return [
    `agents: ${x.agents.length}, clocks aligned to this machine's; gaps and error windows above are ± ${ms(x.gapUncertaintyMs)} ms`,
    table(rows, [true, false, false, true, true, true, false, true, true, true, true, true]),
  ];
}
