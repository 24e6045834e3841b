// npm run study -- --quick, for real: every fix with real switches (the Docker one included, on
// the engine .ci/run starts), ranked, with the directions the fixes are known to go.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Study } from '../../harness/study/results.ts';
import { harnessProcesses, startScript } from './helpers.ts';

describe('npm run study -- --quick', () => {
  it('measures every fix, ranks them, and derives the recommendation', async () => {
    const out = mkdtempSync(join(tmpdir(), 'downtime-test-study-'));
    const { code, stdout, stderr } = await startScript('harness/cli/study.ts', ['--quick', '--json', '--out', out]).result;
    expect(code, stderr).toBe(0);
    const study = JSON.parse(stdout) as Study;
    expect(study.cells.every((c) => c.unmeasured === null)).toBe(true);
    expect(study.rankings.map((r) => r.shape.id)).toEqual(['saturating', 'idle-10ms']);
    for (const shape of ['saturating', 'idle-10ms']) {
      const cell = (fix: string) => study.cells.find((c) => c.fix === fix && c.shape === shape)!;
      expect(cell('nginx').failedPerReload!.median, shape).toBeGreaterThan(0); // the seed's problem
      for (const fix of ['nginx-connection-close', 'nginx-1.30-min-timeout', 'haproxy-idle-close']) expect(cell(fix).failedPerReload!.max, `${fix} ${shape}`).toBe(0);
      expect(cell('nginx-1.30-min-timeout').version).toMatch(/^nginx\/1\.30\./);
    }
    // a handshake per request: under the saturating loop it costs throughput
    expect(study.cells.find((c) => c.fix === 'nginx-connection-close' && c.shape === 'saturating')!.cost.throughput).toBeLessThan(0.7);
    // over TLS the handshake costs far more, and HTTP/2's refused streams count for a raw client
    const saturating = (fix: string) => study.cells.find((c) => c.fix === fix && c.shape === 'saturating')!;
    expect(saturating('nginx-tls-connection-close').failedPerReload!.max).toBe(0);
    expect(saturating('nginx-tls-connection-close').cost.throughput).toBeLessThan(0.3);
    expect(saturating('nginx-h2').failedPerReload!.median).toBeGreaterThan(0);
    for (const ranking of study.rankings) {
      expect(ranking.cells[ranking.cells.length - 1].failedPerReload!.median).toBeGreaterThan(0);
      expect(ranking.recommendation[0]).toMatch(/^Lost no request at any reload: /);
    }
    const dir = readdirSync(out).find((d) => d.endsWith('-study'))!;
    expect(readFileSync(join(out, dir, 'study.html'), 'utf8')).toContain('Which fix?');
    expect(harnessProcesses()).toEqual([]);
  }, 600_000);
});
