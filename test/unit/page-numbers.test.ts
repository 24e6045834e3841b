// Issue 20's page findings, the pure parts: one number rule in the terminal and the pages (no
// three-decimal latency, a median of counts as a count), overrides in their units, the
// "rate × added round trip" line explained, compare's bars at the terminal's statistic, and
// event labels that never overlap. Synthetic runs (no nginx).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { changesText } from '../../harness/report/changes.ts';
import { buildComparison, compareSpec } from '../../harness/report/compare.ts';
import { crossoverTitle, renderHtml } from '../../harness/report/html.ts';
import { durationText, fieldValueText, share } from '../../harness/numbers.ts';
import { RUNTIME } from '../../harness/report/page.ts';
import { besideRateLine, formatSummary } from '../../harness/report/summary.ts';
import { gateShort, runVerdict } from '../../harness/report/verdict.ts';
import { reportOf } from './report-fixture.ts';

const { placeLabels } = createRequire(import.meta.url)(RUNTIME) as {
  placeLabels: (items: { px: number; width: number }[], left: number, right: number) => { x: number; width: number; side: 'left' | 'right'; row: number }[];
};

describe('overrides in units', () => {
  it('durations as s/ms, rates as req/s, strings bare: load.durationMs=10s, not 10000', () => {
    expect(durationText(10_000)).toBe('10s');
    expect(durationText(1500)).toBe('1.5s');
    expect(durationText(500)).toBe('500ms');
    expect(durationText(1234)).toBe('1.234s');
    expect(fieldValueText('load.durationMs', 10_000)).toBe('10s');
    expect(fieldValueText('load.rate', 2000)).toBe('2,000 req/s');
    expect(fieldValueText('expect.maxGapMs.limit', 50)).toBe('50ms');
    expect(fieldValueText('proxy.keepaliveTimeout', '3s')).toBe('3s');
    expect(fieldValueText('switches.count', 3)).toBe('3');
    expect(fieldValueText('proxy.extraHttp', ['keepalive_time 10s;'])).toBe('["keepalive_time 10s;"]');
    expect(changesText([['load.durationMs', 10_000], ['switches.count', 3]])).toBe('load.durationMs=10s switches.count=3');
  });

  it('report.html names what differs from the defaults in units too', async () => {
    const html = await renderHtml(reportOf('keepalive-60s', [{ path: 'load.durationMs', value: '10s' }]));
    expect(html).toContain('<code>load.durationMs=10s</code>');
    expect(html).not.toMatch(/load\.durationMs=\d{4,}/);
  });
});

describe('one number rule on the pages', () => {
  it('latency on report.html with two decimals, as in the terminal, never three', async () => {
    const r = reportOf();
    const html = await renderHtml(r);
    const table = html.slice(html.indexOf('<h2>Latency'), html.indexOf('<h2>Totals'));
    const cells = [...table.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]).filter((c) => /\d\.\d/.test(c));
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c).toMatch(/^[\d,]+\.\d\d$/);
    expect(formatSummary(r)).toMatch(/latency ms \(ok\): p50 \d+\.\d\d /);
  });

  it('the crossover in ms with two decimals, and its hover title in its own numbers', async () => {
    const html = await renderHtml(reportOf());
    expect(html).toMatch(/<td title="Counted from the load&#39;s start: [^"]+">[\d,]+\.\d\d → [\d,]+\.\d\d<\/td>/);
    expect(html).toContain('id="crossover-note"');
    expect(crossoverTitle({ lastOldMs: 4356.8, firstNewMs: 4320.5 })).toBe(
      "Counted from the load's start: the last success from the old colour ended at 4,356.80 ms, the first success from the new colour ended at 4,320.50 ms. Here the old colour still answered 36.30 ms after the new one first did (old workers finishing what they held).",
    );
    expect(crossoverTitle({ lastOldMs: null, firstNewMs: 10 })).toContain('no success from the old colour after the switch began');
  });

  it('shares with one decimal', () => {
    expect(share(0.5)).toBe('50.0%');
    expect(share(null)).toBe('none');
  });
});

describe('"beside rate × added round trip" says what it is', () => {
  it('both are counts (one rule), the product is spelled out, and why it is beside', () => {
    const line = besideRateLine(56, 2000, 21.48);
    // was "failed per switch (median) 56.00, beside rate × added round trip 42.96"
    expect(line).toBe(
      'failed per switch (median) 56, beside 43 expected from rate × added round trip (2,000 req/s × 21.48 ms: the requests sent ' +
        'while one round trip passes, about how many can be on their way when a connection closes; a first estimate, not a law)',
    );
    expect(besideRateLine(15.5, 1000, 10)).toMatch(/^failed per switch \(median\) 15\.5, beside 10 expected/);
  });
});

describe('index.html: the gate in a few words', () => {
  it('the known-bad reference says "expected", the rest what the gate found', () => {
    expect(gateShort(runVerdict(reportOf()))).toBe('expected (known-bad reference)');
    expect(gateShort(runVerdict(reportOf('keepalive-60s', [], (run) => run.records.outcome.fill(0))))).toBe('NOT AS EXPECTED (known-bad reference)');
    expect(gateShort(runVerdict(reportOf('connection-close', [], (run) => run.records.outcome.fill(0))))).toBe('thresholds hold');
    expect(gateShort(runVerdict(reportOf('connection-close')))).toBe('thresholds broken');
    expect(gateShort(runVerdict(reportOf('tuned-3s-1s', [], (run) => (run.meta.aborted = true))))).toBe('not judged');
  });
});

describe("compare.html's bars: the terminal's statistic", () => {
  it('the error window bar reaches the worst switch (the terminal prints the max), the median written beside it', () => {
    const lost = reportOf();
    const clean = reportOf('keepalive-60s', [], (run) => run.records.outcome.fill(0));
    const c = buildComparison([{ label: 'keepalive-60s', runs: [lost, clean, clean].map((report, i) => ({ dir: `/r/${i}`, report })) }], '/r');
    const win = c.groups[0].figures.errorWindowMs!;
    expect(win.median).toBe(0);
    const spec = compareSpec(c, 'errorWindowMs', 'Worst error window of any switch', 'ms', 'max');
    expect(spec.data.datasets[0].data).toEqual([win.max]);
    expect((spec.options.plugins as { dtRanges: { ranges: { text: string }[] } }).dtRanges.ranges[0].text).toBe(`max ${win.max.toFixed(2)} · median 0.00`);
  });
});

describe('event labels in a switch close-up', () => {
  const overlap = (a: { x: number; width: number; row: number }, b: { x: number; width: number; row: number }) => a.row === b.row && a.x < b.x + b.width && b.x < a.x + a.width;

  it('six events within 60 ms (0.5 px per ms): no two labels overlap, each beside its own line', () => {
    // the synthetic switch: new colour starting −60, healthy −50, include written −30, nginx -t −10, reload 0, new workers up +4, old workers gone +112
    const px = [-60, -50, -30, -10, 0, 4, 112].map((ms) => 300 + ms / 2);
    const items = px.map((p, i) => ({ px: p, width: [95, 92, 72, 40, 34, 75, 82][i] }));
    const placed = placeLabels(items, 50, 550);
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) expect(overlap(a, b)).toBe(false);
      expect(a.side === 'right' ? a.x - items[i].px : items[i].px - (a.x + a.width)).toBe(4);
    }
    expect(Math.max(...placed.map((p) => p.row))).toBeLessThanOrEqual(4); // the old counter used 6 rows and still overlapped the 7th
  });

  it('a label that does not fit on the right goes left; one that fits nowhere stays inside the chart', () => {
    const [edge] = placeLabels([{ px: 540, width: 80 }], 50, 550);
    expect(edge).toMatchObject({ side: 'left', x: 456, row: 0 });
    const [wide] = placeLabels([{ px: 60, width: 600 }], 50, 550);
    expect(wide.x).toBeGreaterThanOrEqual(50);
  });
});
