// The study's pure parts: which cells, the costs against each fix's baseline, the ranking, and
// the sentences derived from them.
import { describe, expect, it } from 'vitest';
import { cellsOf, FIXES, SHAPES } from '../../harness/study/matrix.ts';
import { buildStudy, fellBehind, type CellRuns } from '../../harness/study/results.ts';
import { resolveScenario, parseOverride } from '../../harness/scenario/resolve.ts';
import type { Report } from '../../harness/report/report.ts';

/** A report with just the figures the study reads. */
function report(failedPerSwitch: number[], okPerSecond: number, p99: number, version = 'nginx/1.22.1'): Report {
  return {
    meta: { proxy: { kind: 'nginx', version } },
    analysis: {
      totals: { failed: failedPerSwitch.reduce((a, b) => a + b, 0), okPerSecond },
      disruptions: failedPerSwitch.map((f) => ({ kind: 'switch', failedRequests: f, errorWindowMs: f ? 10 + f : 0, maxGapMs: 5 + f })),
      latency: { overall: { count: 100, p99 } },
    },
  } as unknown as Report;
}

const runs = (fix: string, reports: Report[], unmeasured?: string): CellRuns => {
  const cell = cellsOf({ fixes: [fix], shapes: ['saturating'] }).find((c) => c.fix.id === fix)!;
  return { cell, reports, dirs: reports.map((_, i) => `../run-${fix}-${i}`), unmeasured };
};

describe('study matrix', () => {
  it('adds each chosen fix\'s baseline, and names the known ids on a typo', () => {
    expect(cellsOf({ fixes: ['haproxy-idle-close'], shapes: ['saturating'] }).map((c) => c.fix.id)).toEqual(['haproxy', 'haproxy-idle-close']);
    expect(cellsOf({ fixes: ['haproxy-idle-close'] }).map((c) => `${c.fix.id}/${c.shape.id}`)).toEqual([
      'haproxy/saturating',
      'haproxy-idle-close/saturating',
      'haproxy/idle-10ms',
      'haproxy-idle-close/idle-10ms',
    ]);
    expect(() => cellsOf({ fixes: ['nginx-magic'] })).toThrow(/unknown fix nginx-magic; known: nginx, /);
    expect(() => cellsOf({ shapes: ['bursty'] })).toThrow(/unknown shape bursty/);
  });

  it('leaves a fix out of the shapes it is not judged under, with its baseline still in them', () => {
    const ids = cellsOf({ fixes: ['nginx-tls-connection-close'] }).map((c) => `${c.fix.id}/${c.shape.id}`);
    expect(ids).toEqual(['nginx-tls/saturating', 'nginx-tls-connection-close/saturating', 'nginx-tls/idle-10ms']);
  });

  it('every fix resolves to a valid scenario with its overrides, and its baseline exists', () => {
    for (const f of FIXES) {
      for (const shape of SHAPES) expect(() => resolveScenario(f.scenario, [...(f.set ?? []), ...shape.set].map(parseOverride))).not.toThrow();
      expect(FIXES.some((b) => b.id === f.baseline)).toBe(true);
    }
  });
});

describe('study results', () => {
  const study = buildStudy(
    [
      runs('nginx', [report([20, 10], 10_000, 2), report([30, 0], 12_000, 2)]),
      runs('nginx-connection-close', [report([0, 0], 2_500, 5), report([0, 0], 2_500, 5)]),
      runs('nginx-close-around-reload', [report([0, 0], 9_000, 3), report([0, 1], 9_000, 3)]),
      runs('haproxy', [report([1, 0], 20_000, 1, 'haproxy/2.6')]),
      runs('haproxy-idle-close', [report([0, 0], 19_000, 1, 'haproxy/2.6')]),
      runs('caddy', [], 'caddy was not found on PATH'),
    ],
    '2026-11-25T00:00:00Z',
  );
  const cell = (fix: string) => study.cells.find((c) => c.fix === fix)!;

  it('takes failed per reload over the repeats and costs against the fix\'s own baseline', () => {
    expect(cell('nginx').failedPerReload).toEqual({ median: 15, max: 15 });
    expect(cell('nginx-close-around-reload').failedPerReload).toEqual({ median: 0.25, max: 0.5 });
    expect(cell('nginx-connection-close').cost.throughput).toBeCloseTo(2_500 / 11_000);
    expect(cell('nginx-connection-close').cost.p99).toBeCloseTo(2.5);
    expect(cell('haproxy-idle-close').cost.throughput).toBeCloseTo(0.95); // against HAProxy, not nginx
    expect(cell('caddy').unmeasured).toBe('caddy was not found on PATH');
  });

  it('ranks by failures per reload, then by what the fix costs, and says so in sentences', () => {
    const [r] = study.rankings;
    expect(r.cells.map((c) => c.fix)).toEqual(['haproxy-idle-close', 'nginx-connection-close', 'nginx-close-around-reload', 'haproxy', 'nginx', 'caddy']);
    expect(r.recommendation[0]).toMatch(/^Lost no request at any reload: HAProxy, option idle-close-on-response \(throughput 95 % of its baseline, p99 latency 1\.0x\); nginx, Connection: close on every response/);
    expect(r.recommendation[1]).toBe('Cheapest of those: HAProxy, option idle-close-on-response.');
    expect(r.recommendation[2]).toMatch(/^Still lost requests: nginx, Connection: close only around each reload .*0\.3 failed per reload \(worst run 0\.5\)/);
    expect(r.recommendation[3]).toMatch(/^Not measured: Caddy, plain keep-alive \(caddy was not found on PATH\)/);
  });
});

describe('a study run whose load fell behind', () => {
  it('is not measured past 1 % of its due requests unsent, and says why', () => {
    expect(fellBehind(0, 16_000)).toBeNull();
    expect(fellBehind(160, 16_000)).toBeNull();
    expect(fellBehind(13_061, 4_386)).toBe('the load fell behind its schedule (13,061 of 17,447 due requests never sent): that measures the machine, not the fix');
  });
});
