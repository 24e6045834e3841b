// The data behind the report's charts: bucketing, downsampling that keeps spikes and dips, and
// the per-switch zoom windows built from the records.
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../harness/run/store.ts';
import { lttb, mergeBuckets, minMaxDownsample, percentileCurve, zoomWindows, type Point } from '../../harness/report/chart-data.ts';
import { GAP, SWITCH_AT_MS, syntheticRun } from './report-fixture.ts';

const noisy = (n: number, at: number, value: number): Point[] =>
  Array.from({ length: n }, (_, i) => [i, i === at ? value : 100 + (i % 7)] as Point);

describe('bucketing', () => {
  it('merges buckets by summing, so no count is lost', () => {
    expect(mergeBuckets([1, 2, 3, 4, 5], 2)).toEqual([3, 7, 5]);
    expect(mergeBuckets([1, 2, 3], 1)).toEqual([1, 2, 3]);
    const series = Array.from({ length: 6001 }, (_, i) => (i === 4321 ? 50 : 1));
    const merged = mergeBuckets(series, 7);
    expect(merged.reduce((a, b) => a + b, 0)).toBe(series.reduce((a, b) => a + b, 0));
    expect(Math.max(...merged)).toBe(56);
  });
});

describe('downsampling keeps spikes', () => {
  it('min/max: at most maxPoints points, a one-point spike and a one-point dip survive', () => {
    const spike = minMaxDownsample(noisy(100_000, 54_321, 5000), 2000);
    expect(spike.length).toBeLessThanOrEqual(2000);
    expect(spike).toContainEqual([54_321, 5000]);
    const dip = minMaxDownsample(noisy(100_000, 777, 0), 2000);
    expect(dip).toContainEqual([777, 0]);
    // x stays in order
    expect(dip.every((p, i) => i === 0 || p[0] > dip[i - 1][0])).toBe(true);
  });

  it('min/max leaves short series alone', () => {
    const pts = noisy(50, 3, 9);
    expect(minMaxDownsample(pts, 2000)).toEqual(pts);
  });

  it('LTTB: exactly threshold points, first and last kept, a spike survives', () => {
    const out = lttb(noisy(50_000, 31_337, 9000), 1000);
    expect(out).toHaveLength(1000);
    expect(out[0]).toEqual([0, 100]);
    expect(out[out.length - 1][0]).toBe(49_999);
    expect(out).toContainEqual([31_337, 9000]);
    const dip = lttb(noisy(50_000, 1234, -500), 1000);
    expect(dip).toContainEqual([1234, -500]);
  });
});

describe('zoom windows', () => {
  const run = syntheticRun();
  const analysis = analyzeRun(run.records, run.disruptions, run.scenario);
  const [w] = zoomWindows(run.records, analysis.disruptions, 500, 1);

  it('centre on the reload signal, ±500 ms at 1 ms buckets', () => {
    expect(w.centreMs).toBe(SWITCH_AT_MS);
    expect(w.fromMs).toBe(SWITCH_AT_MS - 500);
    expect(w.blue).toHaveLength(1000);
    expect(w.green).toHaveLength(1000);
    expect(w.events.find((e) => e.name === 'reload-signalled')!.atMs).toBe(0);
    expect(w.events.find((e) => e.name === 'new-workers-up')!.atMs).toBe(4);
  });

  it('count every record whose end falls inside, by colour and by failure code', () => {
    // 4 completions per ms (one every 250 µs), the gap has none.
    const total = w.blue.reduce((a, b) => a + b, 0) + w.green.reduce((a, b) => a + b, 0);
    let expected = 0;
    for (let i = 0; i < run.records.count; i++) {
      const end = run.records.end[i] / 1000;
      if (run.records.outcome[i] === 0 && end >= w.fromMs && end < w.toMs) expected++;
    }
    expect(total).toBe(expected);
    const failed = Object.values(w.failedByCode).flat().reduce((a, b) => a + b, 0);
    expect(failed).toBe(6);
    expect(Object.keys(w.failedByCode).sort()).toEqual(['ECONNRESET', 'UND_ERR_SOCKET']);
  });

  it('the gap is a run of empty 1 ms buckets where it happened, and the colours cross over there', () => {
    const from = GAP.fromMs - w.fromMs;
    for (let b = from + 1; b < GAP.toMs - w.fromMs; b++) expect(w.blue[b] + w.green[b]).toBe(0);
    expect(w.blue[from - 5]).toBe(4);
    expect(w.green[GAP.toMs - w.fromMs + 5]).toBe(4);
    expect(w.maxGap!.fromMs).toBeCloseTo(GAP.fromMs - SWITCH_AT_MS - 0.25, 0);
    expect(w.errorWindow).not.toBeNull();
  });

  it('an unsorted record set gives the same windows', () => {
    const r = run.records;
    const rev = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, ArrayBuffer.isView(v) ? (v as Float64Array).slice().reverse() : v])) as unknown as typeof r;
    expect(zoomWindows(rev, analysis.disruptions)).toEqual(zoomWindows(r, analysis.disruptions));
  });
});

describe('latency percentile curve', () => {
  it('is log-spaced in 1/(1-p), non-decreasing, ends at the maximum', () => {
    const run = syntheticRun();
    const l = analyzeRun(run.records, run.disruptions, run.scenario).latency.overall;
    const curve = percentileCurve(l);
    expect(curve[0][0]).toBe(1);
    expect(curve.every((p, i) => i === 0 || p[1] >= curve[i - 1][1])).toBe(true);
    expect(curve[curve.length - 1][1]).toBe(l.max);
    expect(curve.length).toBeLessThan(100);
  });
});
