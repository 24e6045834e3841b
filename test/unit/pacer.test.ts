import { describe, expect, it } from 'vitest';
import { loadThreads } from '../../harness/load/generator.ts';
import { createPacer, type ArrivalSpec } from '../../harness/load/pacer.ts';

const spec = (s: Partial<ArrivalSpec>): ArrivalSpec => ({ rate: 1000, rampFromRate: 0, rampMs: 0, arrivals: 'constant', seed: 1, ...s });
/** When hit n is due, µs: the wait from the origin. */
const dueUs = (p: ReturnType<typeof createPacer>, n: number) => p.wait(0, n);

describe('pacer', () => {
  it('constant rate: hit n is due at n / rate, and the wait counts down with elapsed time', () => {
    const p = createPacer(spec({ rate: 2000 }));
    expect(dueUs(p, 0)).toBe(0);
    expect(dueUs(p, 1)).toBeCloseTo(500, 9);
    expect(dueUs(p, 2000)).toBeCloseTo(1e6, 6);
    expect(p.wait(300, 1)).toBeCloseTo(200, 9);
    expect(p.wait(900, 1)).toBeCloseTo(-400, 9); // overdue: send now
  });

  it('linear ramp: hits due by t follow r0·t + a·t²/2, then the final rate', () => {
    // 0 → 1000 req/s over 1 s: 500 hits in the ramp, then one per ms.
    const p = createPacer(spec({ rate: 1000, rampFromRate: 0, rampMs: 1000 }));
    expect(dueUs(p, 500)).toBeCloseTo(1e6, 3);
    expect(dueUs(p, 125)).toBeCloseTo(0.5e6, 3); // H(0.5 s) = 1000·0.25/2
    expect(dueUs(p, 1500)).toBeCloseTo(2e6, 3);
    // 100 → 300 req/s over 2 s: H(1 s) = 100 + 50 = 150
    const q = createPacer(spec({ rate: 300, rampFromRate: 100, rampMs: 2000 }));
    expect(dueUs(q, 150)).toBeCloseTo(1e6, 3);
    for (let n = 1; n < 1000; n++) expect(dueUs(q, n)).toBeGreaterThan(dueUs(q, n - 1));
  });

  it('threads split one schedule: together they are exactly the whole', () => {
    const whole = createPacer(spec({ rate: 3000, rampFromRate: 1000, rampMs: 500 }));
    const parts = [0, 1, 2].map((t) => createPacer(spec({ rate: 3000, rampFromRate: 1000, rampMs: 500 }), t, 3));
    const merged = parts.flatMap((p) => Array.from({ length: 100 }, (_, n) => dueUs(p, n))).sort((a, b) => a - b);
    expect(merged).toEqual(Array.from({ length: 300 }, (_, n) => dueUs(whole, n)));
  });

  it('Poisson: reproducible from its seed, mean rate as asked, exponential gaps', () => {
    const p = createPacer(spec({ rate: 1000, arrivals: 'poisson', seed: 7 }));
    const again = createPacer(spec({ rate: 1000, arrivals: 'poisson', seed: 7 }));
    const n = 20_000;
    const times = Array.from({ length: n }, (_, k) => dueUs(p, k));
    expect(times.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, k) => dueUs(again, k)));
    expect(dueUs(p, 10)).toBe(times[10]); // asking out of order gives the same answer
    expect(times[n - 1] / 1e6).toBeCloseTo(n / 1000, -1); // ~20 s ± a few %
    const gaps = times.slice(1).map((t, k) => t - times[k]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(950);
    expect(mean).toBeLessThan(1050);
    // For exponential gaps P(gap > mean) = 1/e.
    expect(gaps.filter((g) => g > 1000).length / gaps.length).toBeCloseTo(Math.exp(-1), 1);
  });

  it('refuses a rate that is not above 0', () => {
    expect(() => createPacer(spec({ rate: 0 }))).toThrow(/rate above 0/);
  });

  it('load.threads auto leaves two cores to the proxy and apps, takes half the rest, never more than connections', () => {
    expect(loadThreads('auto', 32, 2)).toBe(1);
    expect(loadThreads('auto', 32, 4)).toBe(1);
    expect(loadThreads('auto', 32, 10)).toBe(4);
    expect(loadThreads('auto', 2, 64)).toBe(2);
    expect(loadThreads(3, 32, 2)).toBe(3);
  });
});
