// The gate's pure stage: statistics, thresholds, baselines, JUnit XML and Markdown, on
// hand-made figures (missing ones, null and NaN included).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { messageOf } from './cannot-measure.ts';
import { baselineEntry, compareBaseline, parseBaseline, parseTolerance, withEntry } from '../../harness/gate/baseline.ts';
import { figuresOf, statistic, summarizeFigures, type RepeatFigures } from '../../harness/gate/figures.ts';
import { junitXml, xmlEscape } from '../../harness/gate/junit.ts';
import { markdownSummary, textSummary } from '../../harness/gate/markdown.ts';
import { gateResult, problemsOf, scenarioGate, scenarioVerdict, type ScenarioGate } from '../../harness/gate/result.ts';
import { evaluateThreshold, evaluateThresholds } from '../../harness/gate/thresholds.ts';
import { contradictions, declaresThresholds } from '../../harness/scenario/thresholds.ts';
import type { Report } from '../../harness/stored/report.ts';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';

/** One repeat's figures: only what a test names; the rest unmeasured. */
function repeat(f: Partial<RepeatFigures>): RepeatFigures {
  return {
    failed: [],
    failedPerSwitch: [],
    errorWindowMs: [],
    maxGapMs: [],
    excessGapMs: [],
    backgroundFailures: [],
    okPerSecond: [],
    p99LatencyMs: [],
    ...f,
  };
}


describe('statistics', () => {
  const v = [5, 1, 4, 2, 3, 100, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  it('max, min, median, mean, p95 (nearest rank)', () => {
    expect(statistic(v, 'max')).toBe(100);
    expect(statistic(v, 'min')).toBe(1);
    expect(statistic([3, 1, 2, 10], 'median')).toBe(2.5);
    expect(statistic([3, 1, 2], 'median')).toBe(2);
    expect(statistic([1, 2, 3, 6], 'mean')).toBe(3);
    expect(statistic(v, 'p95')).toBe(19); // 20 values: rank 19
    expect(statistic([7], 'p95')).toBe(7);
  });

  it('skips null, NaN and infinities; none left is null, not 0', () => {
    expect(statistic([null, Number.NaN, 3, Infinity, 1], 'max')).toBe(3);
    expect(statistic([null, Number.NaN], 'max')).toBeNull();
    expect(statistic([], 'median')).toBeNull();
    const s = summarizeFigures([repeat({ excessGapMs: [null, 2, Number.NaN] }), repeat({ excessGapMs: [4] })]);
    expect(s.excessGapMs).toEqual({ count: 2, min: 2, median: 3, mean: 3, p95: 4, max: 4 });
    expect(s.failed).toBeNull();
  });

  it('takes the figures from a report: per run and per switch, null where none', () => {
    const sw = (failedRequests: number, excessGapMs: number | null) => ({ kind: 'switch', failedRequests, errorWindowMs: failedRequests, maxGapMs: 5, excessGapMs });
    const report = {
      analysis: {
        totals: { failed: 7, backgroundFailures: 1, okPerSecond: 9000 },
        disruptions: [sw(3, 1.5), sw(3, null), { kind: 'outage', failedRequests: 99, errorWindowMs: 9, maxGapMs: 9, excessGapMs: 9 }],
        latency: { overall: { count: 0, p99: 0 } },
      },
    } as unknown as Report;
    expect(figuresOf(report)).toEqual({
      failed: [7],
      failedPerSwitch: [3, 3],
      errorWindowMs: [3, 3],
      maxGapMs: [5, 5],
      excessGapMs: [1.5, null],
      backgroundFailures: [1],
      okPerSecond: [9000],
      p99LatencyMs: [null],
    });
  });
});

describe('thresholds', () => {
  const repeats = [
    repeat({ failed: [0], failedPerSwitch: [0, 0], errorWindowMs: [0, 0], okPerSecond: [3000], excessGapMs: [1, null] }),
    repeat({ failed: [4], failedPerSwitch: [1, 3], errorWindowMs: [2, 12], okPerSecond: [2500], excessGapMs: [null, null] }),
    repeat({ failed: [0], failedPerSwitch: [0, 0], errorWindowMs: [0, 0], okPerSecond: [3100], excessGapMs: [2, 3] }),
  ];

  it('an upper limit on the worst case by default: broken, naming figure, limit and flaky repeats', () => {
    const r = evaluateThreshold('maxFailed', { limit: 0 }, repeats);
    expect(r).toMatchObject({ status: 'fail', stat: 'max', value: 4, limit: 0, brokenInRepeats: 1, repeats: 3 });
    expect(r.message).toBe('maxFailed: failed requests per run (max over 3 repeats) = 4, limit <= 0; broken in 1 of 3 repeats');
  });

  it('each statistic, across switches and repeats', () => {
    const ew = (stat: 'max' | 'min' | 'median' | 'mean' | 'p95', limit: number) => evaluateThreshold('maxErrorWindowMs', { limit, stat }, repeats);
    expect(ew('max', 10)).toMatchObject({ value: 12, status: 'fail', count: 6, brokenInRepeats: 1 });
    expect(ew('median', 0)).toMatchObject({ value: 0, status: 'pass' });
    expect(ew('mean', 2)).toMatchObject({ value: 14 / 6, status: 'fail' });
    expect(ew('p95', 12)).toMatchObject({ value: 12, status: 'pass' });
    expect(ew('min', 0)).toMatchObject({ value: 0, status: 'pass' });
    // the statistic of each repeat alone decides whether that repeat broke it: median of [2, 12] = 7
    expect(ew('median', 5)).toMatchObject({ value: 0, status: 'pass', brokenInRepeats: 1 });
    expect(ew('median', 5).message).toContain('over 6 switches of 3 repeats');
    expect(ew('median', 5).message).toContain('broken in 1 of 3 repeats');
  });

  it('says what the statistic was taken over, in words', () => {
    expect(evaluateThreshold('maxFailed', { limit: 0 }, [repeat({ failed: [2] })]).message).toBe(
      'maxFailed: failed requests per run (max over 1 repeat) = 2, limit <= 0; broken in 1 of 1 repeats',
    );
    expect(evaluateThreshold('maxGapMs', { limit: 50 }, [repeat({ maxGapMs: [12.345] })]).message).toBe(
      'maxGapMs: longest gap without a success per switch (max over 1 switch of 1 repeat) = 12.35 ms, limit <= 50.00 ms',
    );
  });

  it('a lower limit takes the minimum by default (throughput, the known-bad reference)', () => {
    expect(evaluateThreshold('minThroughput', { limit: 2800 }, repeats)).toMatchObject({ stat: 'min', value: 2500, status: 'fail', brokenInRepeats: 1 });
    expect(evaluateThreshold('minThroughput', { limit: 2800, stat: 'median' }, repeats)).toMatchObject({ value: 3000, status: 'pass' });
    expect(evaluateThreshold('minFailed', { limit: 1 }, repeats)).toMatchObject({ value: 0, status: 'fail', brokenInRepeats: 2 });
    expect(evaluateThreshold('minThroughput', { limit: 2800 }, repeats).message).toContain('limit >= 2,800 req/s');
  });

  it('null and NaN are not figures; a figure never measured is missing, never a pass', () => {
    expect(evaluateThreshold('maxExcessGapMs', { limit: 2.5 }, repeats)).toMatchObject({ value: 3, count: 3, status: 'fail', brokenInRepeats: 1 });
    const none = [repeat({ excessGapMs: [null, Number.NaN] }), repeat({})];
    const r = evaluateThreshold('maxExcessGapMs', { limit: 100 }, none);
    expect(r).toMatchObject({ status: 'missing', value: null, brokenInRepeats: 0 });
    expect(r.message).toContain('was not measured');
    expect(evaluateThreshold('maxFailed', { limit: 0 }, [])).toMatchObject({ status: 'missing' });
  });

  it('each threshold keeps its own statistic; only declared thresholds are evaluated, in a stable order', () => {
    const all = evaluateThresholds({ maxBackgroundFailures: undefined, minThroughput: { limit: 1 }, maxFailed: { limit: 10, stat: 'max' }, maxGapMs: { limit: 5, stat: 'p95' } }, repeats);
    expect(all.map((t) => [t.name, t.stat])).toEqual([
      ['maxFailed', 'max'],
      ['maxGapMs', 'p95'],
      ['minThroughput', 'min'],
    ]);
    expect(declaresThresholds({})).toBe(false);
    expect(declaresThresholds({ knownBad: 'x' })).toBe(false);
    expect(declaresThresholds({ maxGapMs: { limit: 1 } })).toBe(true);
  });
});

describe('scenario expect', () => {
  it('the seed scenarios: connection-close expects 0 failed; keepalive-60s is the known-bad reference', () => {
    expect(resolveScenario('connection-close').expect).toEqual({ maxFailed: { limit: 0 }, maxBackgroundFailures: { limit: 0 } });
    const ka = resolveScenario('keepalive-60s').expect;
    expect(ka.knownBad).toContain('keep-alive');
    expect(ka.minFailed).toEqual({ limit: 1 });
    expect(ka.maxFailed).toBeUndefined();
    expect(resolveScenario('tuned-3s-1s').expect).toEqual({});
  });

  it('overrides: a bare number, a limit keeping its statistic, a statistic', () => {
    const s = resolveScenario('connection-close', [
      parseOverride('expect.maxGapMs={"limit":20,"stat":"p95"}'),
      parseOverride('expect.maxGapMs.limit=30'),
      parseOverride('expect.p99LatencyMs=5'),
      parseOverride('expect.maxFailed.stat=median'),
      parseOverride('expect.maxFailed.limit=2'),
    ]);
    expect(s.expect.maxGapMs).toEqual({ limit: 30, stat: 'p95' });
    expect(s.expect.p99LatencyMs).toEqual({ limit: 5 });
    expect(s.expect.maxFailed).toEqual({ limit: 2, stat: 'median' });
  });

  it('names the field of an invalid threshold', () => {
    const bad = (o: string) => messageOf(() => resolveScenario('connection-close', [parseOverride(o)]));
    expect(bad('expect.maxFailed=lots')).toContain('expect.maxFailed: "lots" is not valid: expected a number (the limit), or {"limit": n, "stat": "max|min|median|mean|p95"}');
    expect(bad('expect.maxFailed=-1')).toContain('expect.maxFailed.limit: expected a number >= 0');
    expect(bad('expect.maxGapMs.stat=p99')).toContain('expect.maxGapMs.stat: expected one of max, min, median, mean, p95');
    expect(bad('expect.maxGapMs.stat=p99')).toContain('expect.maxGapMs.limit: expected a number');
    expect(bad('expect.maxFailures=0')).toContain('expect.maxFailures: unknown field');
    expect(bad('expect.maxFailed={"limit":0,"statistic":"max"}')).toContain('expect.maxFailed.statistic: unknown field');
  });
});

describe('thresholds that contradict each other', () => {
  it('a lower limit above an upper one on the same figure, with statistics that cannot cross, is a contradiction', () => {
    expect(contradictions({ minFailed: { limit: 1 }, maxFailed: { limit: 0 } })).toEqual([{ lower: 'minFailed', upper: 'maxFailed' }]);
    // min ≤ mean: at least 1 in every repeat and at most 0 on average cannot both hold
    expect(contradictions({ minFailed: { limit: 1 }, maxFailed: { limit: 0, stat: 'mean' } })).toHaveLength(1);
    // reachable: exactly 1, or the worst repeat ≥ 5 with a median ≤ 3 ([0, 0, 5])
    expect(contradictions({ minFailed: { limit: 1 }, maxFailed: { limit: 1 } })).toEqual([]);
    expect(contradictions({ minFailed: { limit: 5, stat: 'max' }, maxFailed: { limit: 3, stat: 'median' } })).toEqual([]);
    expect(contradictions({ minThroughput: { limit: 1000 }, maxFailed: { limit: 0 } })).toEqual([]);
  });

  it('are refused before the run, naming both and where each came from', () => {
    // npm run gate -- keepalive-60s --max-failed 0: the flag, beside the scenario's minFailed ≥ 1
    const m = messageOf(() => resolveScenario('keepalive-60s', [{ path: 'expect.maxFailed.limit', value: 0 }]));
    expect(m).toContain('thresholds that contradict each other: maxFailed ≤ 0 (given on the command line) and minFailed ≥ 1 (the scenario\'s own); no run can pass both');
    expect(m).toContain('keepalive-60s is a known-bad reference, kept to lose requests (HTTP/1.1 keep-alive loses requests at every nginx reload (the seed))');
    expect(m).toContain("or lift the scenario's minFailed with --set expect.minFailed=0");
    // lifted so, the two hold together
    expect(resolveScenario('keepalive-60s', [{ path: 'expect.maxFailed.limit', value: 0 }, parseOverride('expect.minFailed=0')]).expect.maxFailed).toEqual({ limit: 0 });
    expect(messageOf(() => resolveScenario('connection-close', [parseOverride('expect.minFailed=3')]))).toContain(
      'maxFailed ≤ 0 (the scenario\'s own) and minFailed ≥ 3 (given on the command line); no run can pass both: drop one of them',
    );
  });
});

describe('baselines', () => {
  const base = [
    repeat({ failed: [10], errorWindowMs: [10, 20], okPerSecond: [10_000], excessGapMs: [1, 1] }),
    repeat({ failed: [20], errorWindowMs: [10, 30], okPerSecond: [12_000], excessGapMs: [1, 1] }),
  ];
  const entry = baselineEntry(base, ['reports/a', 'reports/b'], '2026-11-24T00:00:00.000Z');

  it('stores every figure summarised, and round-trips through its file', () => {
    expect(entry.figures.failed).toEqual({ count: 2, min: 10, median: 15, mean: 15, p95: 20, max: 20 });
    expect(entry.figures.maxGapMs).toBeNull();
    const file = withEntry(withEntry(null, 'tuned-3s-1s', entry), 'connection-close', entry);
    expect(Object.keys(file.scenarios)).toEqual(['tuned-3s-1s', 'connection-close']);
    expect(parseBaseline(JSON.stringify(file), 'b.json')).toEqual(file);
  });

  it('refuses a file that is not a baseline, naming the field', () => {
    expect(messageOf(() => parseBaseline('{', 'b.json'))).toContain('b.json is not valid JSON');
    const file = structuredClone(withEntry(null, 'x', entry)) as unknown as { scenarios: { x: { figures: Record<string, unknown> } } };
    file.scenarios.x.figures.failed = { count: 'two' };
    const msg = messageOf(() => parseBaseline(JSON.stringify(file), 'b.json'));
    expect(msg).toContain('b.json is damaged or not a gate baseline');
    expect(msg).toContain('scenarios.x.figures.failed');
    expect(messageOf(() => parseBaseline('{"kind":"other"}', 'b.json'))).toContain('kind: expected "downtime-gate-baseline"');
  });

  it('passes within the tolerance, names each figure that regressed beyond it', () => {
    const now = [repeat({ failed: [17], errorWindowMs: [30, 30], okPerSecond: [9_000], excessGapMs: [1, 1] })];
    const c = compareBaseline(entry, now, { relative: 0.2, absolute: 0 });
    const by = Object.fromEntries(c.map((x) => [x.figure, x]));
    expect(by.failed).toMatchObject({ stat: 'median', baseline: 15, current: 17, status: 'pass' }); // +2 <= 3
    expect(by.errorWindowMs).toMatchObject({ baseline: 15, current: 30, worseBy: 15, status: 'fail' });
    // the baseline's own repeats had medians 15 and 20: a spread of 5 ms, above 20 % of 15
    expect(by.errorWindowMs).toMatchObject({ allowed: 5, allowedBy: 'baseline spread' });
    expect(by.errorWindowMs.message).toBe('errorWindowMs (median): 30.00 ms against baseline 15.00 ms (100.0% higher), allowed up to 20.00 ms (baseline spread 5.00 ms): REGRESSED');
    // throughput regresses downwards: 11,000 → 9,000 is 18 % lower, inside 20 %, and says "lower", not "worse"
    expect(by.okPerSecond).toMatchObject({ baseline: 11_000, current: 9_000, worseBy: 2000, status: 'pass' });
    expect(by.okPerSecond.message).toContain('(18.2% lower)');
    expect(by.okPerSecond.message).not.toMatch(/\+\d/);
    expect(by.maxGapMs).toBeUndefined(); // the baseline has none
  });

  it('ordinary jitter is not a regression: a noise floor per figure, and the baseline repeats\' spread', () => {
    // one baseline repeat (no spread known): maxGap 5.04 → 6.07 ms is 20.4 % higher but inside the meter's 2 ms
    const one = baselineEntry([repeat({ maxGapMs: [5.04] })], [], 'x');
    const gap = compareBaseline(one, [repeat({ maxGapMs: [6.07] })], { relative: 0.2, absolute: 0 })[0];
    expect(gap).toMatchObject({ status: 'pass', allowedBy: 'noise floor', allowed: 2 });
    expect(compareBaseline(one, [repeat({ maxGapMs: [7.5] })], { relative: 0.2, absolute: 0 })[0].status).toBe('fail');
    // throughput that moved 25 % between the baseline's own repeats may move that much again
    const tp = baselineEntry([repeat({ okPerSecond: [24_000] }), repeat({ okPerSecond: [30_000] })], [], 'x');
    expect(compareBaseline(tp, [repeat({ okPerSecond: [22_000] })], { relative: 0.2, absolute: 0 })[0]).toMatchObject({ status: 'pass', allowedBy: 'baseline spread' });
    // a baseline saved before the per-repeat figures were kept still compares
    const { perRepeat: _p, ...old } = one;
    expect(compareBaseline(old, [repeat({ maxGapMs: [6.07] })], { relative: 0.2, absolute: 0 })[0].status).toBe('pass');
  });

  it('compares only the figures asked for', () => {
    const c = compareBaseline(entry, [repeat({ failed: [100], errorWindowMs: [15] })], { relative: 0.2, absolute: 0 }, 'median', ['errorWindowMs']);
    expect(c.map((x) => [x.figure, x.status])).toEqual([['errorWindowMs', 'pass']]);
  });

  it('absolute tolerance covers a zero baseline; better is never a regression', () => {
    const zero = baselineEntry([repeat({ failed: [0] })], [], 'x');
    expect(compareBaseline(zero, [repeat({ failed: [1] })], { relative: 0.2, absolute: 0 })[0].status).toBe('fail');
    expect(compareBaseline(zero, [repeat({ failed: [1] })], { relative: 0.2, absolute: 1 })[0].status).toBe('pass');
    expect(compareBaseline(entry, [repeat({ failed: [0] })], { relative: 0, absolute: 0 }, 'max')[0]).toMatchObject({ status: 'pass', worseBy: -20 });
  });

  it('a figure the baseline had and this run did not measure is missing (could not measure)', () => {
    const c = compareBaseline(entry, [repeat({ failed: [15], errorWindowMs: [15], okPerSecond: [11_000], excessGapMs: [null, Number.NaN] })], { relative: 0.2, absolute: 0 });
    expect(c.find((x) => x.figure === 'excessGapMs')).toMatchObject({ status: 'missing', current: null });
  });

  it('parses tolerances', () => {
    expect(parseTolerance('20%')).toEqual({ relative: 0.2 });
    expect(parseTolerance('2.5')).toEqual({ absolute: 2.5 });
    expect(messageOf(() => parseTolerance('twenty'))).toContain('--max-regression twenty');
  });
});

function gates(): ScenarioGate[] {
  const pass = scenarioGate({
    scenario: 'connection-close',
    knownBad: null,
    repeatsPlanned: 2,
    repeats: [
      { runDir: 'reports/r1', figures: repeat({ failed: [0], backgroundFailures: [0], errorWindowMs: [0] }), pngs: ['reports/r1/timeline.png'] },
      { runDir: 'reports/r2', figures: repeat({ failed: [0], backgroundFailures: [0], errorWindowMs: [0] }), pngs: [] },
    ],
    unmeasured: [],
    thresholds: [],
    baseline: null,
  });
  pass.thresholds = evaluateThresholds({ maxFailed: { limit: 0 } }, pass.repeats.map((r) => r.figures));
  const failing = scenarioGate({
    scenario: 'keepalive-60s',
    knownBad: 'keep-alive <loses> "requests" & more',
    repeatsPlanned: 2,
    repeats: [
      { runDir: 'reports/k1', figures: repeat({ failed: [187], errorWindowMs: [16, 29.7] }), pngs: [] },
      { runDir: 'reports/k2', figures: repeat({ failed: [0], errorWindowMs: [0, 0] }), pngs: [] },
    ],
    unmeasured: [],
    thresholds: [],
    baseline: null,
  });
  failing.thresholds = evaluateThresholds({ maxFailed: { limit: 0 }, maxExcessGapMs: { limit: 5 } }, failing.repeats.map((r) => r.figures));
  const base = baselineEntry([repeat({ errorWindowMs: [5] })], [], 'x');
  failing.baseline = { file: 'base.json', comparisons: compareBaseline(base, failing.repeats.map((r) => r.figures), { relative: 0.2, absolute: 0 }) };
  return [pass, failing];
}

describe('verdicts', () => {
  it('pass, fail, and could not measure (missing figures, failed repeats, nothing measured)', () => {
    const [pass, failing] = gates();
    expect(scenarioVerdict(pass)).toBe('pass');
    expect(gateResult([pass])).toMatchObject({ verdict: 'pass', exitCode: 0 });
    // failing has a missing excessGap figure: could not measure wins over a broken threshold
    expect(scenarioVerdict(failing)).toBe('unmeasured');
    failing.thresholds = failing.thresholds.filter((t) => t.status !== 'missing');
    expect(scenarioVerdict(failing)).toBe('fail');
    expect(gateResult([pass, failing])).toMatchObject({ verdict: 'fail', exitCode: 1 });
    expect(problemsOf(failing)).toEqual([
      'threshold broken: maxFailed: failed requests per run (max over 2 repeats) = 187, limit <= 0; broken in 1 of 2 repeats',
      'baseline regression: errorWindowMs (median): 8.00 ms against baseline 5.00 ms (60.0% higher), allowed up to 7.00 ms (noise floor 2.00 ms): REGRESSED',
    ]);
    const broken = { ...pass, unmeasured: ['connection-close repeat 2/2: switch 1: blue → green did not take effect'] };
    expect(gateResult([broken, failing])).toMatchObject({ verdict: 'unmeasured', exitCode: 2 });
    expect(gateResult([{ ...pass, repeats: [] }])).toMatchObject({ exitCode: 2 });
    expect(gateResult([])).toMatchObject({ exitCode: 2 });
  });
});

describe('JUnit XML', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

  it('is valid XML: one suite per scenario, one case per threshold, failures with figure and limit', () => {
    const result = gateResult(gates());
    const xml = junitXml(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s: { name: string }) => s.name)).toEqual(['connection-close', 'keepalive-60s']);
    expect(doc.testsuites).toMatchObject({ tests: '6', failures: '2', errors: '1' });
    const ka = suites[1];
    expect(ka.testcase.map((c: { name: string }) => c.name)).toEqual([
      'measurement',
      'maxFailed <= 0 (max of failed)',
      'maxExcessGapMs <= 5 (max of excessGapMs)',
      'baseline errorWindowMs (median)',
    ]);
    const failure = ka.testcase[1].failure;
    expect(failure.type).toBe('threshold');
    expect(failure.message).toContain('= 187, limit <= 0');
    expect(failure['#text']).toContain('repeat 1: failed = 187  (reports/k1)');
    expect(ka.testcase[2].error.type).toBe('missing-figure');
    expect(ka.testcase[3].failure.message).toContain('REGRESSED');
    expect(ka.properties.property.find((p: { name: string }) => p.name === 'knownBad').value).toBe('keep-alive <loses> "requests" & more');
    expect(suites[0].testcase.every((c: object) => !('failure' in c) && !('error' in c))).toBe(true);
  });

  it('a scenario that could not be measured is an error, not a pass', () => {
    const [pass] = gates();
    const xml = junitXml(gateResult([{ ...pass, repeats: [], unmeasured: ['nginx rejected the configuration: <bad> & "worse"\u0007'] }]));
    expect(XMLValidator.validate(xml)).toBe(true);
    const c = parser.parse(xml).testsuites.testsuite[0].testcase[0];
    expect(c.name).toBe('measurement');
    expect(c.error.message).toBe('nginx rejected the configuration: <bad> & "worse"\uFFFD');
  });

  it('escapes', () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});

describe('Markdown and text summaries', () => {
  it('says the verdict, each check with figure, limit and flakiness, the figures and run directories', () => {
    const [pass, failing] = gates();
    failing.thresholds = failing.thresholds.filter((t) => t.status !== 'missing');
    const md = markdownSummary(gateResult([pass, failing]));
    expect(md.startsWith('## Downtime gate: ❌ FAIL\n')).toBe(true);
    expect(md).toContain('| `connection-close` | ✅ PASS | 2 of 2 | 0 / 0 / 0 |');
    expect(md).toContain('| `keepalive-60s` | ❌ FAIL | 2 of 2 | 0 / 93.5 / 187 | 29.70 ms |');
    expect(md).toContain('| maxFailed (failed requests per run) | max | 187 | ≤ 0 | ❌ broken | 1 of 2 |');
    expect(md).toContain('| baseline: errorWindowMs (was 5.00 ms) | median | 8.00 ms | ≤ 7.00 ms | ❌ regressed |  |');
    expect(md).toContain('> Known-bad reference: keep-alive <loses>');
    expect(md).toContain('- repeat 1: `reports/r1` · [timeline](reports/r1/timeline.png)');
    expect(md).toContain('| error window per switch | 4 switches | 0.00 ms | 8.00 ms | 11.43 ms | 29.70 ms |');
    // every table row has the same number of cells as its header
    for (const table of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const widths = table.split('\n').map((l) => l.replace(/\\\|/g, '').split('|').length);
      expect(new Set(widths).size).toBe(1);
    }
    const text = textSummary(gateResult([pass, failing]));
    expect(text).toContain('FAIL maxFailed: failed requests per run (max over 2 repeats) = 187, limit <= 0; broken in 1 of 2 repeats');
    expect(text.trimEnd().split('\n').pop()).toBe('gate: FAIL (exit 1)');
  });

  it('--save-baseline alone says it saved and checked nothing, not PASS', () => {
    const [pass] = gates();
    const saved = { ...gateResult([{ ...pass, thresholds: [] }]), saved: ['reports/baselines/x.json'] };
    expect(textSummary(saved).split('\n').pop()).toBe('gate: SAVED, baseline saved to reports/baselines/x.json; nothing was checked (exit 0)');
    expect(markdownSummary(saved)).toContain('## Downtime gate: 💾 SAVED baseline (reports/baselines/x.json); nothing was checked');
    // thresholds checked as well: the verdict, and that it saved
    expect(textSummary({ ...gateResult([pass]), saved: ['b.json'] }).split('\n').pop()).toBe('gate: PASS, baseline saved to b.json (exit 0)');
  });

  it('a known-bad reference that passes says it lost requests, as expected, in the run verdict\'s words', () => {
    const [pass] = gates();
    const kb = { ...pass, scenario: 'keepalive-60s', knownBad: 'keep-alive loses requests; this gate checks that it still does' };
    expect(textSummary(gateResult([kb]))).toContain('keepalive-60s: PASS — expected: this scenario reproduces a known failure, keep-alive loses requests  (');
    expect(markdownSummary(gateResult([kb]))).toContain('| `keepalive-60s` | ❗ lost requests, expected: this scenario reproduces a known failure, keep-alive loses requests |');
    expect(markdownSummary(gateResult([kb]))).not.toMatch(/keepalive-60s` \| ✅/);
  });

  it('chart links are relative to the Markdown file when its directory is given', () => {
    const [pass] = gates();
    expect(markdownSummary(gateResult([pass]), 'reports/ci')).toContain('· [timeline](../r1/timeline.png)');
    expect(markdownSummary(gateResult([pass]))).toContain('· [timeline](reports/r1/timeline.png)');
  });

  it('a pipe in a message does not break the table; unmeasured shows', () => {
    const [pass] = gates();
    const md = markdownSummary(gateResult([{ ...pass, scenario: 'a|b', unmeasured: ['x | y'] }]));
    expect(md).toContain('## Downtime gate: ⚠️ COULD NOT MEASURE');
    expect(md).toContain('| `a\\|b` |');
    expect(md).toContain('- could not measure: x | y');
  });
});
