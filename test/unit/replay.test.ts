import { describe, expect, it } from 'vitest';
import { uniforms } from '../../harness/load/pacer.ts';
import { connectionPlanner, histogramSampler, type ConnectionPlanner, type Histogram, type ReplaySpec } from '../../harness/load/replay.ts';

// As shape.json has them (edges125): requests per connection 3–5, idle 20–49 ms.
const requests: Histogram = { edges: [1, 2, 5, 10, 20], counts: [0, 0, 60, 40, 0, 0], min: 3, max: 5 };
const idle: Histogram = { edges: [1, 2, 5, 10, 20, 50, 100], counts: [0, 0, 0, 0, 0, 100, 0, 0], min: 20, max: 49 };
const spec: ReplaySpec = { requestsPerConnection: requests, idleMs: idle };

const draws = (h: Histogram, whole: boolean, n: number, seed = 1) => {
  const draw = histogramSampler(h, whole);
  const random = uniforms(seed);
  return Array.from({ length: n }, () => draw(random));
};
/** A connection's requests and the gaps before each after the first. */
const planned = (planner: ConnectionPlanner) => {
  const p = planner.next();
  return { requests: p.requests, gapsMs: Array.from({ length: p.requests - 1 }, planner.gapsOf(p)) };
};

describe('histogram sampler', () => {
  it('exact draws for a seed: a bucket by the first uniform, a value within it by the second', () => {
    const u = uniforms(42);
    const pairs = Array.from({ length: 5 }, () => [u(), u()]);
    // 60 of 100 below 5 (bucket [3, 5)), the rest in the last bucket [5, max + 1)
    const expected = pairs.map(([b, v]) => (b * 100 < 60 ? Math.floor(3 + v * 2) : Math.floor(5 + v * 1)));
    expect(draws(requests, true, 5, 42)).toEqual(expected);
    const u2 = uniforms(42);
    const times = Array.from({ length: 5 }, () => (u2(), 20 + u2() * 29));
    expect(draws(idle, false, 5, 42)).toEqual(times);
    // and pinned, so a change to the stream or the draw shows
    expect(draws(requests, true, 8, 42)).toEqual([5, 5, 4, 4, 5, 4, 5, 4]);
  });

  it('reproducible from its seed, different for another', () => {
    expect(draws(idle, false, 100, 7)).toEqual(draws(idle, false, 100, 7));
    expect(draws(idle, false, 100, 8)).not.toEqual(draws(idle, false, 100, 7));
  });

  it('bucket shares match the counts within 4σ for 100,000 draws, values within the bucket and the observed min and max', () => {
    const h: Histogram = { edges: [1, 2, 5, 10, 20, 50, 100], counts: [5, 10, 20, 30, 20, 10, 4, 1], min: 0, max: 170 };
    const N = 100_000;
    const values = draws(h, false, N, 3);
    const total = h.counts.reduce((a, b) => a + b, 0);
    const bucketOf = (v: number) => h.edges.filter((e) => v >= e).length;
    const seen = new Array<number>(h.counts.length).fill(0);
    for (const v of values) seen[bucketOf(v)]++;
    for (let i = 0; i < h.counts.length; i++) {
      const p = h.counts[i] / total;
      const bound = 4 * Math.sqrt((p * (1 - p)) / N);
      expect(Math.abs(seen[i] / N - p), `bucket ${i}: share ${seen[i] / N} vs ${p}, bound 4σ = ${bound}`).toBeLessThanOrEqual(bound);
    }
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(170); // the last, open bucket ends at the max
    // uniform within a bucket: [20, 50) has mean 35, σ of the mean 30/√12/√n
    const inBucket = values.filter((v) => v >= 20 && v < 50);
    const mean = inBucket.reduce((a, b) => a + b, 0) / inBucket.length;
    const bound = (4 * 30) / Math.sqrt(12 * inBucket.length);
    expect(Math.abs(mean - 35), `mean ${mean} in [20, 50), bound 4σ = ${bound}`).toBeLessThanOrEqual(bound);
  });

  it('whole numbers: each count in a bucket equally often, the max itself included', () => {
    const values = draws(requests, true, 30_000, 5);
    const share = (k: number) => values.filter((v) => v === k).length / values.length;
    // 0.6 split over 3 and 4, 0.4 on 5; σ ≤ √(0.25/30,000) = 0.0029, 4σ = 0.012
    expect(share(3)).toBeCloseTo(0.3, 1);
    expect(Math.abs(share(3) - 0.3)).toBeLessThanOrEqual(0.012);
    expect(Math.abs(share(4) - 0.3)).toBeLessThanOrEqual(0.012);
    expect(Math.abs(share(5) - 0.4)).toBeLessThanOrEqual(0.012);
    expect(values.every((v) => v >= 3 && v <= 5)).toBe(true);
  });

  it('refuses a histogram with no values', () => {
    expect(() => histogramSampler({ ...idle, counts: idle.counts.map(() => 0) }, false)).toThrow(/no values/);
  });
});

describe('connection planner', () => {
  it('each connection: its request count from the shape, then one idle gap before each later request', () => {
    const planner = connectionPlanner(spec, uniforms(9));
    const plans = Array.from({ length: 1000 }, () => planned(planner));
    expect(plans.every((p) => p.requests >= 3 && p.requests <= 5)).toBe(true);
    expect(plans.flatMap((p) => p.gapsMs).every((g) => g >= 20 && g < 49)).toBe(true);
    // the same seed, the same plans, whatever order their gaps are drawn in
    const again = connectionPlanner(spec, uniforms(9));
    const interleaved = Array.from({ length: 1000 }, () => again.next()).map((p) => ({ requests: p.requests, gap: again.gapsOf(p) }));
    const gapsFirst = interleaved.map((p) => p.gap());
    expect(interleaved.map((p, i) => ({ requests: p.requests, gapsMs: [gapsFirst[i], ...Array.from({ length: p.requests - 2 }, p.gap)] }))).toEqual(plans);
  });

  it('a shape of single-request connections needs no idle times', () => {
    const single: ReplaySpec = { requestsPerConnection: { edges: [1, 2], counts: [0, 10, 0], min: 1, max: 1 }, idleMs: { ...idle, counts: idle.counts.map(() => 0) } };
    const planner = connectionPlanner(single, uniforms(1));
    expect(Array.from({ length: 10 }, () => planned(planner)).every((p) => p.requests === 1 && p.gapsMs.length === 0)).toBe(true);
  });
});
