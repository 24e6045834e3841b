// The project's own docs say what its messages point to: every docs/ file the code names exists,
// and the measurement definitions cover every figure the reports show.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURE_NAMES } from '../../harness/scenario/thresholds.ts';

const ROOT = join(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs|cjs)$/.test(e.name) ? [join(dir, e.name)] : []));

describe('docs', () => {
  it('every docs/*.md the code refers to is in the repository', () => {
    const named = new Set(sources('harness').concat(sources('scripts')).flatMap((f) => readFileSync(join(ROOT, f), 'utf8').match(/docs\/[A-Z-]+\.md/g) ?? []));
    expect([...named]).toContain('docs/MEASUREMENT.md');
    for (const doc of named) expect(existsSync(join(ROOT, doc)), doc).toBe(true);
    expect(readFileSync(join(ROOT, 'harness/cli/calibrate.ts'), 'utf8')).toContain('docs/MEASUREMENT.md');
  });

  it('docs/MEASUREMENT.md defines every figure, the verdicts and the one unit rule', () => {
    const text = readFileSync(join(ROOT, 'docs/MEASUREMENT.md'), 'utf8');
    for (const f of FIGURE_NAMES.filter((f) => f.endsWith('Ms') && f !== 'p99LatencyMs')) expect(text, f).toContain(`\`${f}\``);
    for (const word of ['background failures', 'INCOMPLETE', 'NO FAILED REQUESTS', 'a bare number, which is **milliseconds**', 'max(2 ms, 5 % of D)']) expect(text).toContain(word);
  });
});
