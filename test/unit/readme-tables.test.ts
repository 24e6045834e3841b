// The README's measured tables are regenerated from the commands' output, between markers, and
// say which machine, day and command made them.
import { describe, expect, it } from 'vitest';
import { calibrationTable, machineOf, provenance, replaceSection, scenarioTable } from '../../harness/report/readme-tables.ts';
import { buildReport } from '../../harness/report/report.ts';
import { analyzeRun } from '../../harness/run/store.ts';
import { syntheticRun } from './report-fixture.ts';

const report = (() => {
  const run = syntheticRun();
  return buildReport(run.meta, run.scenario, analyzeRun(run.records, run.disruptions, run.scenario));
})();

describe('README measured tables', () => {
  it('replace only what is between a section\'s markers', () => {
    const text = 'a\n<!-- measured:x -->\nold\n<!-- /measured:x -->\nb\n';
    expect(replaceSection(text, 'x', 'new table')).toBe('a\n<!-- measured:x -->\nnew table\n<!-- /measured:x -->\nb\n');
    expect(() => replaceSection(text, 'y', '')).toThrow('no "<!-- measured:y -->"');
  });

  it('a scenario row: the run\'s figures by the one number rule, and the gate\'s word', () => {
    expect(scenarioTable([report]).split('\n')[2]).toBe('| `keepalive-60s` | 6 (1 switch) | 6 / 6 | 7.50 / 7.50 | 12.25 / 12.25 | 3,984 | 0 | holds | nginx/1.22.1 |');
  });

  it('names machine, date and command', () => {
    const line = provenance('One run each', '2026-11-25T21:00:00Z', machineOf(report), 'npm run scenario -- <name> --json', 'Shared machine.');
    expect(line).toBe(
      'One run each, made on 2026-11-25 on 2 cpu (test), linux test, Node ' + process.version + ' by `npm run scenario -- <name> --json` (regenerate: `npm run readme-tables`). Shared machine.',
    );
  });

  it('calibration: modes down, outage lengths across, out-of-tolerance marked', () => {
    const row = { mode: '503' as const, plannedMs: 20, truthMs: 20, errorWindowMs: 24.45, maxGapMs: 19, failedRequests: 9, withinTolerance: false };
    expect(calibrationTable([row, { ...row, plannedMs: 200, truthMs: 200, errorWindowMs: 201, maxGapMs: 200, withinTolerance: true }])).toBe(
      ['| mode: errorWindow Δ / maxGap Δ (ms) | 20 ms | 200 ms |', '| --- | ---: | ---: |', '| 503 | +4.45 / −1.00 **out** | +1.00 / +0.00 |'].join('\n'),
    );
  });
});

describe('a scenario this machine cannot run', () => {
  it('gets a row that says why', () => {
    expect(scenarioTable([{ name: 'keepalive-min-timeout', reason: 'no image downtime-nginx:sid | run npm run images' }]).split('\n')[2]).toBe(
      '| `keepalive-min-timeout` | could not measure here: no image downtime-nginx:sid \\| run npm run images | | | | | | | |',
    );
  });
});
