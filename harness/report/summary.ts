// The terminal summary: one table, per switch and in total, with the error codes.
import { count, ms, rate } from './numbers.ts';
import type { Report } from './report.ts';
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

export function formatSummary(report: Report, reportPath?: string): string {
  const { analysis: a, scenario: s, meta } = report;
  const t = a.totals;
  const out: string[] = [];
  out.push(
    `${s.name}: ${meta.proxy.version}, ${s.load.connections} connections, ` +
      `${a.disruptions.length} ${a.disruptions.every((d) => d.kind === 'switch') ? (a.disruptions.length === 1 ? 'switch' : 'switches') : 'disruptions'}, ${ms(t.durationMs / 1000)} s` +
      (meta.aborted ? '  [STOPPED EARLY: partial results]' : ''),
  );
  out.push(verdictLine(runVerdict(report)));
  if (meta.stack) {
    const images = meta.stack.images ? `, ${meta.stack.images.proxy} + ${meta.stack.images.apps}` : '';
    out.push(`stack: ${meta.stack.driver}${images}; traffic ${meta.stack.path}${meta.stack.config ? `; configuration ${meta.stack.config}` : ''}`);
  }
  out.push(
    `requests ${count(t.requests)}   ok ${count(t.ok)}   failed ${count(t.failed)} (transport ${count(t.transportErrors)}, http ${count(t.httpErrors)})   ` +
      `${rate(t.okPerSecond)} ok/s   connections ${count(t.connections)}`,
  );
  out.push(`failed by code: ${codes(t.byCode)}   on reused connections: ${count(t.failedOnReused)} of ${count(t.failed)}`);
  if (t.backgroundFailures > 0) {
    out.push(`!! ${count(t.backgroundFailures)} BACKGROUND FAILURES outside every switch: the baseline itself is not healthy`);
  }
  out.push('');
  const rows = [['', 'failed', 'reused', 'errorWindow ms', 'maxGap ms', 'excessGap ms', 'new colour after', 'codes']];
  for (const d of a.disruptions) {
    const share = d.crossover?.newShareAfter;
    rows.push([
      d.label,
      count(d.failedRequests),
      count(d.failedOnReused),
      ms(d.errorWindowMs),
      ms(d.maxGapMs),
      ms(d.excessGapMs),
      d.crossover ? `${share === null || share === undefined ? 'none' : `${(share * 100).toFixed(1)}%`}${d.crossover.tookEffect ? '' : ' NOT TAKEN'}` : '-',
      codes(d.byCode),
    ]);
  }
  const st = a.switchStats;
  if (st.failedRequests.count > 1) {
    for (const stat of ['median', 'mean', 'max'] as const) {
      rows.push([stat, count(st.failedRequests[stat]), '', ms(st.errorWindowMs[stat]), ms(st.maxGapMs[stat]), ms(st.excessGapMs[stat]), '', '']);
    }
  }
  if (rows.length > 1) out.push(table(rows, [false, true, true, true, true, true, true, false]));
  out.push(`steady-state gap reference (p99.9 between successes after warm-up, outside switches): ${ms(a.gapReferenceMs)} ms`);
  const l = a.latency;
  out.push(
    `latency ms (ok): p50 ${ms(l.overall.p50)}  p99 ${ms(l.overall.p99)}  p99.9 ${ms(l.overall.p999)}  max ${ms(l.overall.max)}` +
      `   steady p99 ${ms(l.steady.p99)}, during switches p99 ${ms(l.switching.p99)}`,
  );
  for (const p of a.problems) out.push(`!! ${p}`);
  for (const note of a.notes ?? []) out.push(`note: ${note}`);
  if (meta.error) out.push(`!! run ended early: ${meta.error}`);
  if (reportPath) out.push(`report: ${reportPath}`);
  return out.join('\n');
}
