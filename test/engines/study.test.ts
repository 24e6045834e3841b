// npm run study, for real, on a small matrix this machine measures every time: the plain
// keep-alive nginx and its Connection: close fix under the saturating loop, through the whole
// path (runs, records, analysis, ranking, recommendation, study.html). Beside them, a fix made
// unmeasurable on purpose (nginx 1.30 needs the Docker engine; the test points the harness at
// none), which must be reported as not measured, exit 2, the measured cells still written.
// The ranking and recommendation rules themselves are tested on stored results in
// test/unit/study.test.ts; the full matrix is `npm run study -- --quick`.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Study } from '../../harness/study/results.ts';
import { harnessProcesses, startScript } from '../integration/helpers.ts';

describe('npm run study on a small matrix', () => {
  it('measures the fixes it can, ranks them, derives the recommendation, and names what it could not measure', async () => {
    const out = mkdtempSync(join(tmpdir(), 'downtime-test-study-'));
    const args = ['--quick', '--fixes', 'nginx-connection-close,nginx-1.30-min-timeout', '--shapes', 'saturating', '--clients', 'raw', '--json', '--out', out];
    const { code, stdout, stderr } = await startScript('harness/cli/study.ts', args, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }).result;
    // exit 2: a cell was not measured; the study is still printed and written
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/not measured: .*nginx-1\.30-min-timeout\/saturating\/raw \(no Docker engine/);
    const study = JSON.parse(stdout) as Study;
    const cell = (fix: string) => study.cells.find((c) => c.fix === fix)!;
    expect(study.cells.map((c) => `${c.id}: ${c.unmeasured ?? 'measured'}`).sort()).toEqual([
      'nginx-1.30-min-timeout/saturating/raw: no Docker engine (npm run setup -- --with-docker)',
      'nginx-1.30/saturating/raw: no Docker engine (npm run setup -- --with-docker)',
      'nginx-connection-close/saturating/raw: measured',
      'nginx/saturating/raw: measured',
    ]);
    // the seed's problem, and its fix: every keep-alive reload races; a handshake per request cannot
    const seen = JSON.stringify(study.cells.map((c) => [c.id, c.failedPerReload]));
    expect(cell('nginx').failedPerReload!.median, seen).toBeGreaterThan(0);
    expect(cell('nginx-connection-close').failedPerReload!.max, seen).toBe(0);

    const [ranking] = study.rankings;
    expect(study.rankings).toHaveLength(1);
    expect(ranking.cells.map((c) => c.fix)).toEqual(['nginx-connection-close', 'nginx', 'nginx-1.30', 'nginx-1.30-min-timeout']);
    expect(ranking.recommendation[0]).toMatch(/^Lost no request at any reload: nginx, Connection: close on every response \(the seed's fix\) \(throughput \d+ % of its baseline/);
    expect(ranking.recommendation).toContainEqual(expect.stringMatching(/^Still lost requests: nginx, plain keep-alive/));
    expect(ranking.recommendation).toContainEqual(expect.stringMatching(/^Not measured: .*nginx 1\.30 in Docker, keepalive_min_timeout 1s \(no Docker engine/));

    const dir = readdirSync(out).find((d) => d.endsWith('-study'))!;
    const html = readFileSync(join(out, dir, 'study.html'), 'utf8');
    expect(html).toContain('Which fix?');
    expect(html).toContain('no Docker engine');
    expect(harnessProcesses()).toEqual([]);
  }, 180_000);
});
