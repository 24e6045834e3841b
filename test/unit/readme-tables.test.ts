// The measured tables (README.md and docs/*.md) are regenerated from the commands' output, between
// markers, in whichever file holds them, and say which machine, day and command made them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationTable, locateSections, machineOf, provenance, replaceSection, scenarioTable, SECTIONS } from '../../harness/report/readme-tables.ts';
import { reportOfRun, syntheticRun } from './report-fixture.ts';

const report = reportOfRun(syntheticRun());

describe('README measured tables', () => {
  it('replace only what is between a section\'s markers', () => {
    const text = 'a\n<!-- measured:x -->\nold\n<!-- /measured:x -->\nb\n';
    expect(replaceSection(text, 'x', 'new table')).toBe('a\n<!-- measured:x -->\nnew table\n<!-- /measured:x -->\nb\n');
    expect(() => replaceSection(text, 'y', '')).toThrow('no "<!-- measured:y -->"');
  });

  it('are found in whichever file holds their markers, and in one file only', () => {
    const files = { 'README.md': 'a\n<!-- measured:x -->\n<!-- /measured:x -->\n', 'docs/A.md': '<!-- measured:y -->\n<!-- /measured:y -->\n' };
    expect(locateSections(files, ['x', 'y'])).toEqual({ x: 'README.md', y: 'docs/A.md' });
    expect(() => locateSections(files, ['z'])).toThrow('no "<!-- measured:z -->" section in README.md, docs/A.md');
    expect(() => locateSections({ ...files, 'docs/B.md': files['docs/A.md'] }, ['y'])).toThrow('"<!-- measured:y -->" is in docs/A.md and docs/B.md: keep it in one file');
  });

  it('this repository holds every section once, in README.md or docs/, each with its closing marker', () => {
    const root = join(import.meta.dirname, '../..');
    const names = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const files = Object.fromEntries(names.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
    const where = locateSections(files, SECTIONS);
    for (const name of SECTIONS) expect(() => replaceSection(files[where[name]], name, 'x'), name).not.toThrow();
  });

  it('a scenario row: the run\'s figures by the one number rule, and the gate\'s word', () => {
    expect(scenarioTable([report]).split('\n')[2]).toBe('| `keepalive-60s` | 6 (1 switch) | 6 / 6 | 5.00 / 5.00 | 12.25 / 12.25 | 3,984 | 0 | holds | nginx/1.22.1 |');
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
