// What a reader meets first: the verdict leads with what clients saw, the gate's verdict stands
// beside it naming its thresholds, a stopped run is INCOMPLETE, and runs with different
// settings are never grouped as repeats. Synthetic runs (no nginx).
import { describe, expect, it } from 'vitest';
import { changesFromScenario } from '../../harness/report/changes.ts';
import { groupRuns } from '../../harness/report/compare.ts';
import { count, ms, rate } from '../../harness/numbers.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { formatSummary } from '../../harness/report/summary.ts';
import { runVerdict } from '../../harness/report/verdict.ts';
import { parseReport } from '../../harness/stored/files.ts';
import { reportOf } from './report-fixture.ts';

describe('run verdict', () => {
  it('a known-bad reference that lost requests says one thing: the loss was expected', () => {
    const v = runVerdict(reportOf());
    expect(v).toMatchObject({ outcome: 'lost', tone: 'bad', headline: '6 FAILED REQUESTS', gate: 'holds' });
    // was "gate: thresholds hold (minFailed ≥ 1, …); a known-bad reference: its failures are expected", in red with ✓ marks
    expect(v.gateText).toBe('expected: this scenario reproduces a known failure, HTTP/1.1 keep-alive loses requests at every nginx reload (the seed)');
    expect(v.lines[0]).toContain('known-bad reference: HTTP/1.1 keep-alive loses requests');
    expect(v.lines.slice(1)).toEqual([expect.stringMatching(/^as expected: minFailed: /), expect.stringMatching(/^as expected: maxBackgroundFailures: /)]);
    expect([v.headline, v.gateText, ...v.lines].join('\n')).not.toMatch(/✓|thresholds hold|PASS/);
  });

  it('a known-bad reference that lost nothing is not as expected: amber, naming the broken threshold', () => {
    const v = runVerdict(reportOf('keepalive-60s', [], (run) => run.records.outcome.fill(0)));
    expect(v).toMatchObject({ headline: 'NO FAILED REQUESTS', tone: 'warn', gate: 'broken' });
    expect(v.gateText).toBe('NOT AS EXPECTED: this known-bad reference should reproduce HTTP/1.1 keep-alive loses requests at every nginx reload (the seed); broken: minFailed ≥ 1');
  });

  it('a run judged by tighter thresholds names them', () => {
    const v = runVerdict(reportOf('connection-close', [{ path: 'expect.maxFailed', value: 2 }]));
    expect(v.gate).toBe('broken');
    expect(v.gateText).toMatch(/^gate: thresholds broken \(maxFailed ≤ 2[,)]/);
    expect(v.lines[0]).toMatch(/^✗ maxFailed: /);
  });

  it('a run that lost nothing is green, whatever the gate says', () => {
    const clean = reportOf('connection-close', [], (run) => {
      run.records.outcome.forEach((o, i) => {
        if (o !== 0) run.records.outcome[i] = 0;
      });
    });
    const v = runVerdict(clean);
    expect(v).toMatchObject({ outcome: 'clean', tone: 'good', headline: 'NO FAILED REQUESTS', gate: 'holds' });
  });

  it('a stopped run is INCOMPLETE and never judged a pass', () => {
    const v = runVerdict(reportOf('connection-close', [], (run) => (run.meta.aborted = true)));
    expect(v).toMatchObject({ outcome: 'incomplete', tone: 'warn', headline: 'INCOMPLETE', gate: 'not-judged' });
    expect(v.gateText).toContain('an early end is never a pass');
  });

  it('the terminal prints the same verdict line', () => {
    const summary = formatSummary(reportOf());
    expect(summary.split('\n')[1]).toBe(`verdict: 6 FAILED REQUESTS — ${runVerdict(reportOf()).gateText}`);
  });
});

describe('what a run changed, and grouping by configuration', () => {
  it('names the fields changed from the scenario file', () => {
    const r = reportOf('keepalive-60s', [{ path: 'proxy.workerProcesses', value: 1 }]);
    expect(changesFromScenario(r.scenario)).toContainEqual(['proxy.workerProcesses', 1]);
    expect(changesFromScenario(r.scenario)).toContainEqual(['switches.count', 1]);
  });

  it('runs of one scenario with different settings are separate groups, named by the difference', () => {
    const a = reportOf();
    const b = reportOf('keepalive-60s', [{ path: 'proxy.workerProcesses', value: 1 }]);
    const { groups, warnings } = groupRuns([
      { dir: 'r1', report: a },
      { dir: 'r2', report: b },
      { dir: 'r3', report: a },
    ]);
    expect(groups.map((g) => [g.label, g.runs.map((r) => r.dir)])).toEqual([
      ['keepalive-60s (proxy.workerProcesses=auto)', ['r1', 'r3']],
      ['keepalive-60s (proxy.workerProcesses=1)', ['r2']],
    ]);
    expect(warnings[0]).toContain('runs of keepalive-60s differ in their settings');
    // a different proxy version is a different configuration too
    const c = { ...a, meta: { ...a.meta, proxy: { kind: 'nginx', version: 'nginx/1.30.6' } } };
    expect(groupRuns([{ dir: 'r1', report: a }, { dir: 'r4', report: c }]).groups[1].label).toBe('keepalive-60s (proxyVersion=nginx/1.30.6)');
  });
});

describe('figures over missing values are missing, not 0', () => {
  // A stopped run: load from warm-up's end too short for a steady reference, so every switch's
  // excessGap is n/a; two switches, so the table has its median/mean/max rows.
  const stopped = () =>
    reportOf('connection-close', [], (run) => {
      run.meta.aborted = true;
      run.scenario.load.warmupMs = 2900;
      const first = run.disruptions[0];
      run.disruptions.push({ kind: 'switch', label: 'switch 2', events: first.events.map((e) => ({ ...e, atUs: e.atUs + 800_000 })) });
    });

  it('the terminal: median/mean/max of excessGap and the steady reference say n/a', () => {
    const r = stopped();
    expect(r.analysis.disruptions.map((d) => d.excessGapMs)).toEqual([null, null]);
    const lines = formatSummary(r).split('\n');
    for (const stat of ['median', 'mean', 'max']) {
      const row = lines.find((l) => l.startsWith(stat))!;
      expect(row, stat).toMatch(/ n\/a\s*$/); // the last figure in the row is excessGap
    }
    expect(lines.find((l) => l.startsWith('steady-state gap reference'))).toMatch(/: n\/a$/);
    expect(formatSummary(r)).not.toContain('n/a ms');
  });

  it('report.html: the same, and no "n/a ms"', async () => {
    const html = await renderHtml(stopped());
    for (const stat of ['median', 'mean', 'max']) expect(html).toMatch(new RegExp(`<tr><th[^>]*>${stat}</th>(<th>[^<]*</th>){3}<th>[^<]*</th><th>n/a</th>`));
    expect(html).toContain('worst gap (steady reference n/a)');
    expect(html).not.toContain('n/a ms');
  });

  it('a report stored with 0 over no values reads as missing', () => {
    const r = stopped();
    const json = JSON.parse(JSON.stringify(r));
    json.scenario.load.warmupMs = 500; // the stopped run's, valid again
    json.analysis.switchStats.excessGapMs = { count: 0, min: 0, median: 0, mean: 0, max: 0 };
    expect(parseReport(JSON.stringify(json), 'report.json').analysis.switchStats.excessGapMs).toEqual({ count: 0, min: null, median: null, mean: null, max: null });
  });
});

describe('a run that took longer than asked says why', () => {
  // The Docker driver's case: each switch took ~4 s, more than the time between them.
  const late = () =>
    reportOf('connection-close', [], (run) => {
      run.meta.schedule = [
        { label: 'switch 1/3', dueMs: 2000, startedMs: 2003, endedMs: 6100 },
        { label: 'switch 2/3', dueMs: 5333, startedMs: 6101, endedMs: 10_050 },
        { label: 'switch 3/3', dueMs: 8667, startedMs: 10_051, endedMs: 14_200 },
      ];
      run.scenario.load.durationMs = 15_000;
      run.scenario.load.cooldownMs = 3000;
    });
  const SAYS =
    'longer than asked: each switch took 3.9–4.1 s, more than the 3.3 s between them; so switch 2/3 started 0.8 s late, switch 3/3 started 1.4 s late ' +
    "(each waits for the one before); the cool-down (3.0 s) ran from the last switch's end at 14.2 s, so the load ran 17.2 s, not the 15.0 s asked";

  it('the terminal names the switches that ran late, by how much, and where the time went', () => {
    expect(formatSummary(late()).split('\n')).toContain(SAYS);
  });

  it('report.html says the same', async () => {
    expect(await renderHtml(late())).toContain(`<td class="l">schedule</td><td class="l">${SAYS.replace(/'/g, '&#39;')}</td>`);
  });

  it('a run on time says nothing of it', () => {
    const onTime = reportOf('connection-close', [], (run) => (run.meta.schedule = [{ label: 'switch 1/1', dueMs: 500, startedMs: 502, endedMs: 1100 }]));
    expect(formatSummary(onTime)).not.toContain('longer than asked');
  });
});

describe('one number rule', () => {
  it('a median of per-switch counts prints the same in the terminal and on the page', async () => {
    const r = reportOf();
    const stats = r.analysis.switchStats;
    stats.failedRequests = { ...stats.failedRequests, count: 2, median: 15.5, mean: 15.5, max: 31 };
    const row = formatSummary(r).split('\n').find((l) => l.startsWith('median'))!;
    expect(row).toMatch(/^median\s+15\.5\s/);
    const html = await renderHtml(r);
    expect(html).toMatch(/<tr><th[^>]*>median<\/th><th>15\.5<\/th>/);
    expect(html).toMatch(/<tr><th[^>]*>max<\/th><th>31<\/th>/);
  });

  it('whole counts without decimals, statistics of counts with one, milliseconds with two', () => {
    expect(count(31)).toBe('31');
    expect(count(15.5)).toBe('15.5');
    expect(count(12_345)).toBe('12,345');
    expect(ms(16)).toBe('16.00');
    expect(ms(15.5)).toBe('15.50');
    expect(rate(28_123.7)).toBe('28,124');
    expect(count(null)).toBe('n/a');
  });
});
