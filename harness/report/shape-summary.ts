// The traffic shape in a few terminal lines: what `npm run shape` prints when it has written
// shape.json and shape.html.
import type { DistributionFigures, Shape } from '../shape/schema.ts';
import { count, counted, durationText, ms, rate, share } from '../numbers.ts';

const percentiles = (d: DistributionFigures, show: (v: number | null) => string) =>
  d.count ? `p50 ${show(d.p50)}  p90 ${show(d.p90)}  p99 ${show(d.p99)}  max ${show(d.max)}` : 'none';

/** The largest shares first, the rest as `other`. */
function mix(counts: Record<string, number>, total: number, shown = 4): string {
  const entries = Object.entries(counts);
  const rest = entries.slice(shown).reduce((n, [, v]) => n + v, 0);
  return [...entries.slice(0, shown).map(([k, v]) => `${k} ${share(v / total)}`), ...(rest ? [`other ${share(rest / total)}`] : [])].join(', ');
}

export function formatShapeSummary(shape: Shape): string {
  const { requests: r, connections: c, lines } = shape;
  const us = (v: number | null) => (v === null ? 'n/a' : ms(v / 1000));
  const out = [
    `${count(r.total)} requests over ${durationText(shape.span.toMs - shape.span.fromMs)} from ${counted(shape.sources.length, 'file')}` +
      ` (${count(lines.plain)} plain and ${count(lines.json)} JSON lines; ${count(lines.malformed)} malformed)`,
    `requests/s       mean ${rate(r.rate.meanPerSecond)}  peak ${rate(r.rate.peakPerSecond)}`,
    `connections      ${count(c.total)} (${count(c.opened)} opened, ${count(c.continued)} open before the log);` +
      ` open at once: mean ${count(Math.round(c.open.mean * 10) / 10)}, peak ${count(c.open.peak)}`,
    `opened/s         mean ${rate(c.opening.meanPerSecond)}  peak ${rate(c.opening.peakPerSecond)}`,
    `req/connection   ${percentiles(c.requestsPerConnection, count)}`,
    `idle ms          ${percentiles(shape.idleMs, ms)}  (${counted(shape.idleMs.count, 'gap')}; horizon ${durationText(shape.horizonMs)})`,
    `round trip ms    ${percentiles(shape.rttUs, us)}`,
    `methods          ${mix(r.methods, r.total)}`,
    `statuses         ${mix(r.statuses, r.total)}`,
  ];
  if (lines.malformed) {
    out.push(`malformed        ${counted(lines.malformed, 'line')} skipped, e.g.`, ...lines.examples.slice(0, 3).map((e) => `  ${e.path}:${e.line}: ${e.reason}`));
  }
  return out.join('\n');
}
