// npm run study -- --quick, for real: every fix with real switches (the Docker one included, on
// the engine .ci/run starts), ranked, with the directions the fixes are known to go.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Study } from '../../harness/study/results.ts';
import { harnessProcesses, startScript } from '../integration/helpers.ts';

describe('npm run study -- --quick', () => {
  it('measures every fix, ranks them, and derives the recommendation', async () => {
    const out = mkdtempSync(join(tmpdir(), 'downtime-test-study-'));
    const { code, stdout, stderr } = await startScript('harness/cli/study.ts', ['--quick', '--json', '--out', out]).result;
    expect(code, stderr).toBe(0);
    const study = JSON.parse(stdout) as Study;
    expect(study.cells.every((c) => c.unmeasured === null)).toBe(true);
    expect(study.rankings.map((r) => `${r.shape.id}/${r.client.id}`)).toEqual([
      'saturating/raw',
      'saturating/retrying',
      'saturating/post',
      'idle-10ms/raw',
      'idle-10ms/retrying',
      'idle-10ms/post',
    ]);
    for (const shape of ['saturating', 'idle-10ms']) {
      const cell = (fix: string) => study.cells.find((c) => c.fix === fix && c.shape === shape && c.client === 'raw')!;
      expect(cell('nginx').failedPerReload!.median, shape).toBeGreaterThan(0); // the seed's problem
      for (const fix of ['nginx-connection-close', 'nginx-1.30-min-timeout', 'haproxy-idle-close']) expect(cell(fix).failedPerReload!.max, `${fix} ${shape}`).toBe(0);
      expect(cell('nginx-1.30-min-timeout').version).toMatch(/^nginx\/1\.30\./);
    }
    // the client profiles, on the plain nginx: a retry hides most of what raw loses, POST loses it all
    for (const shape of ['saturating', 'idle-10ms']) {
      const nginx = (client: string) => study.cells.find((c) => c.fix === 'nginx' && c.shape === shape && c.client === client)!;
      const seen = `${shape}: ${JSON.stringify(study.clients.find((r) => r.shape === shape)?.byClient)}`;
      expect(nginx('retrying').hiddenPerReload!.median, seen).toBeGreaterThan(0);
      expect(nginx('retrying').failedPerReload!.median, seen).toBeLessThan(nginx('raw').failedPerReload!.median);
      expect(nginx('post').hiddenPerReload!.max, seen).toBe(0);
      expect(nginx('post').failedPerReload!.median, seen).toBeGreaterThan(nginx('retrying').failedPerReload!.median);
    }
    expect(study.clients.map((r) => `${r.fix}/${r.shape}`)).toEqual(['nginx/saturating', 'nginx/idle-10ms']);
    // a handshake per request: under the saturating loop it costs throughput
    expect(study.cells.find((c) => c.fix === 'nginx-connection-close' && c.shape === 'saturating')!.cost.throughput).toBeLessThan(0.7);
    // over TLS the handshake costs far more, and HTTP/2's refused streams count for a raw client
    const saturating = (fix: string) => study.cells.find((c) => c.fix === fix && c.shape === 'saturating' && c.client === 'raw')!;
    expect(saturating('nginx-tls-connection-close').failedPerReload!.max).toBe(0);
    expect(saturating('nginx-tls-connection-close').cost.throughput).toBeLessThan(0.3);
    expect(saturating('nginx-h2').failedPerReload!.median).toBeGreaterThan(0);
    for (const ranking of study.rankings.filter((r) => r.client.id === 'raw')) {
      expect(ranking.cells[ranking.cells.length - 1].failedPerReload!.median).toBeGreaterThan(0);
      expect(ranking.recommendation[0]).toMatch(/^Lost no request at any reload: /);
    }
    const dir = readdirSync(out).find((d) => d.endsWith('-study'))!;
    const html = readFileSync(join(out, dir, 'study.html'), 'utf8');
    expect(html).toContain('Which fix?');
    expect(html).toContain('What each client saw');
    expect(html).toMatch(/k6 and vegeta/);
    expect(harnessProcesses()).toEqual([]);
  }, 600_000);
});
