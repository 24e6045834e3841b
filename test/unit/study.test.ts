// The study's pure parts: which cells, the costs against each fix's baseline, the ranking, and
// the sentences derived from them.
import { describe, expect, it } from 'vitest';
import { CLIENTS, cellsOf, FIXES, QUICK_CLIENT_FIXES, SHAPES } from '../../harness/study/matrix.ts';
import { buildStudy, fellBehind, rank, recommend, type CellFigures, type CellRuns } from '../../harness/study/results.ts';
import { resolveScenario, parseOverride } from '../../harness/scenario/resolve.ts';
import type { Report } from '../../harness/stored/report.ts';
import { studyTable } from '../../harness/report/readme-tables.ts';
import { renderStudy } from '../../harness/report/study-page.ts';

/** A report with just the figures the study reads. */
function report(failedPerSwitch: number[], okPerSecond: number, p99: number, version = 'nginx/1.22.1', hiddenByRetry = 0): Report {
  return {
    meta: { proxy: { kind: 'nginx', version } },
    analysis: {
      totals: { failed: failedPerSwitch.reduce((a, b) => a + b, 0), okPerSecond, hiddenByRetry },
      disruptions: failedPerSwitch.map((f) => ({ kind: 'switch', failedRequests: f, errorWindowMs: f ? 10 + f : 0, maxGapMs: 5 + f })),
      latency: { overall: { count: 100, p99 } },
    },
  } as unknown as Report;
}

const runs = (fix: string, reports: Report[], unmeasured?: string, client = 'raw'): CellRuns => {
  const cell = cellsOf({ fixes: [fix], shapes: ['saturating'], clients: [client] }).find((c) => c.fix.id === fix)!;
  return { cell, reports, dirs: reports.map((_, i) => `../run-${fix}-${i}`), unmeasured };
};

describe('study matrix', () => {
  it('adds each chosen fix\'s baseline, and names the known ids on a typo', () => {
    expect(cellsOf({ fixes: ['haproxy-idle-close'], shapes: ['saturating'], clients: ['raw'] }).map((c) => c.fix.id)).toEqual(['haproxy', 'haproxy-idle-close']);
    expect(cellsOf({ fixes: ['haproxy-idle-close'], clients: ['raw'] }).map((c) => `${c.fix.id}/${c.shape.id}`)).toEqual([
      'haproxy/saturating',
      'haproxy-idle-close/saturating',
      'haproxy/idle-10ms',
      'haproxy-idle-close/idle-10ms',
    ]);
    expect(() => cellsOf({ fixes: ['nginx-magic'] })).toThrow(/unknown fix nginx-magic; known: nginx, /);
    expect(() => cellsOf({ shapes: ['bursty'] })).toThrow(/unknown shape bursty/);
    expect(() => cellsOf({ clients: ['k6'] })).toThrow(/unknown client k6; known: raw, retrying, post/);
  });

  it('--quick runs the profiles other than raw on the fixes that show what a retry hides, the full study on every fix', () => {
    const ids = (quick: boolean) => cellsOf({ shapes: ['saturating'], quick }).map((c) => `${c.fix.id}/${c.client.id}`);
    expect(ids(true).filter((id) => !id.endsWith('/raw'))).toEqual(QUICK_CLIENT_FIXES.flatMap((f) => [`${f}/retrying`, `${f}/post`]));
    expect(ids(true).filter((id) => id.endsWith('/raw'))).toHaveLength(FIXES.length);
    expect(ids(false)).toHaveLength(FIXES.length * CLIENTS.length);
  });

  it('leaves a fix out of the shapes it is not judged under, with its baseline still in them', () => {
    const ids = cellsOf({ fixes: ['nginx-tls-connection-close'], clients: ['raw'] }).map((c) => `${c.fix.id}/${c.shape.id}`);
    expect(ids).toEqual(['nginx-tls/saturating', 'nginx-tls-connection-close/saturating', 'nginx-tls/idle-10ms']);
  });

  it('every fix resolves to a valid scenario with its overrides, and its baseline exists', () => {
    for (const f of FIXES) {
      for (const shape of SHAPES) {
        for (const client of CLIENTS) expect(() => resolveScenario(f.scenario, [...(f.set ?? []), ...shape.set, ...client.set].map(parseOverride))).not.toThrow();
      }
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

describe('study results by client profile', () => {
  const study = buildStudy(
    [
      runs('nginx', [report([20, 10], 10_000, 2)]),
      runs('nginx', [report([0, 1], 10_000, 2, 'nginx/1.22.1', 28)], undefined, 'retrying'),
      runs('nginx', [report([12, 16], 9_000, 2)], undefined, 'post'),
      runs('nginx-connection-close', [report([0, 0], 2_500, 5)]),
    ],
    '2026-11-25T00:00:00Z',
  );

  it('keeps what the retry hid apart from what users saw, per reload', () => {
    const retrying = study.cells.find((c) => c.client === 'retrying')!;
    expect(retrying.failedPerReload).toEqual({ median: 0.5, max: 0.5 });
    expect(retrying.hiddenPerReload).toEqual({ median: 14, max: 14 });
    expect(study.cells.find((c) => c.client === 'post')!.hiddenPerReload).toEqual({ median: 0, max: 0 });
  });

  it('puts the profiles of one fix and traffic side by side, only where more than one was measured', () => {
    expect(study.clients).toEqual([
      { fix: 'nginx', label: FIXES[0].label, shape: 'saturating', byClient: { raw: { failed: 15, hidden: 0 }, retrying: { failed: 0.5, hidden: 14 }, post: { failed: 14, hidden: 0 } } },
    ]);
    expect(study.rankings.map((r) => `${r.shape.id}/${r.client.id}/${r.cells.length}`)).toEqual(['saturating/raw/2', 'saturating/retrying/1', 'saturating/post/1']);
  });

  it('the page and the README table show them, and say that Go-based load tools hide these failures', () => {
    const html = renderStudy(study);
    expect(html).toContain('What each client saw');
    expect(html).toMatch(/<td class="bad">0\.5 <span class="meta">\(14 hidden by retry\)<\/span><\/td>/);
    expect(html).toMatch(/Go-based load tools such as k6 and vegeta/);
    const md = studyTable(study);
    expect(md).toContain('| fix | traffic | raw | retrying | post |');
    expect(md).toContain('| saturating | 15 | 0.5 (14 hidden by retry) | 14 |');
    // a profile measured on one fix only has no ranking table of its own
    expect(md.match(/^\*\*saturating closed loop/gm)).toHaveLength(1);
  });
});

describe('the cheapest fix', () => {
  const fig = (fix: string, throughput: number, p99: number): CellFigures =>
    ({ id: fix, fix, label: fix, failedPerReload: { median: 0, max: 0 }, cost: { throughput, p99 } }) as CellFigures;

  it('is the highest throughput share, and where shares tie (the open model serves every fix its asked rate) the lowest p99', () => {
    expect(rank([fig('slow', 0.5, 1), fig('fast', 0.9, 2)]).map((c) => c.fix)).toEqual(['fast', 'slow']);
    const tied = [fig('a', 1.0, 1.6), fig('b', 0.99, 0.9), fig('c', 1.01, 1.2)];
    expect(rank(tied).map((c) => c.fix)).toEqual(['b', 'c', 'a']);
    expect(recommend(rank(tied))[1]).toBe('Cheapest of those: b (throughput about the same, so the lowest p99 latency decides).');
    expect(recommend([fig('fast', 0.9, 2), fig('slow', 0.5, 1)])[1]).toBe('Cheapest of those: fast.');
  });
});

describe('a study run whose load fell behind', () => {
  it('is not measured past 1 % of its due requests unsent, and says why', () => {
    expect(fellBehind(0, 16_000)).toBeNull();
    expect(fellBehind(160, 16_000)).toBeNull();
    expect(fellBehind(13_061, 4_386)).toBe('the load fell behind its schedule (13,061 of 17,447 due requests never sent): that measures the machine, not the fix');
  });
});
