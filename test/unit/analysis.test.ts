import { describe, expect, it } from 'vitest';
import { analyze, attribute, longestGap } from '../../harness/analysis/analyze.ts';
import type { Disruption } from '../../harness/analysis/types.ts';
import { OUTCOME, recordSetOf, type RecordInput } from '../../harness/records/records.ts';

const opts = { settleMs: 1000, bucketMs: 10, warmupMs: 0 };
const ms = (v: number) => v * 1000; // records and events are in µs

/** One ok request every `everyMs` from `fromMs` to `toMs` (exclusive), 1 ms long, colour by time. */
function steady(fromMs: number, toMs: number, everyMs: number, colourAt: (t: number) => number): RecordInput[] {
  const out: RecordInput[] = [];
  for (let t = fromMs; t < toMs; t += everyMs) {
    out.push({ start: ms(t), end: ms(t + 1), outcome: OUTCOME.ok, status: 200, errorCode: '', conn: 1, reused: true, colour: colourAt(t) });
  }
  return out;
}

const fail = (startMs: number, endMs: number, code = 'UND_ERR_SOCKET', reused = true): RecordInput => ({
  start: ms(startMs),
  end: ms(endMs),
  outcome: OUTCOME.transportError,
  status: 0,
  errorCode: code,
  conn: 2,
  reused,
  colour: 0,
});

const switchAt = (fromMs: number, lastMs: number, from: 'blue' | 'green' = 'blue', to: 'blue' | 'green' = 'green'): Disruption => ({
  kind: 'switch',
  label: `switch: ${from} → ${to}`,
  from,
  to,
  events: [
    { name: 'new-colour-started', atUs: ms(fromMs) },
    { name: 'reload-signalled', atUs: ms((fromMs + lastMs) / 2) },
    { name: 'old-colour-exited', atUs: ms(lastMs) },
  ],
});

describe('analyze', () => {
  it('attributes failures to the switch whose horizon holds their start, and measures the error window', () => {
    const rows = [
      ...steady(0, 5000, 1, (t) => (t < 2100 ? 1 : 2)),
      fail(2050, 2052),
      fail(2060.5, 2063, 'ECONNRESET'),
      fail(2900, 2901, 'ECONNRESET', false), // inside settle (last event 2200 + 1000)
    ];
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts);
    const [s] = a.disruptions;
    expect(s.failedRequests).toBe(3);
    expect(s.failedOnReused).toBe(2);
    expect(s.byCode).toEqual({ UND_ERR_SOCKET: 1, ECONNRESET: 2 });
    expect(s.errorWindowMs).toBe(850); // first failed start 2050 → last failed start 2900, not its end
    expect(s.errorWindow).toEqual({ fromMs: 2050, toMs: 2900 });
    expect(a.totals.backgroundFailures).toBe(0);
    expect(a.totals.failed).toBe(3);
    expect(a.totals.byCode).toEqual({ UND_ERR_SOCKET: 1, ECONNRESET: 2 });
  });

  it('counts what a retrying client hid apart from what users saw, by switch as a failure would be', () => {
    const rows = [...steady(0, 5000, 1, (t) => (t < 2100 ? 1 : 2)), fail(2060, 2062, 'ECONNRESET')];
    const hidden = [
      { startUs: ms(2050), endUs: ms(2051), code: 'UND_ERR_SOCKET' },
      { startUs: ms(2055), endUs: ms(2056), code: 'UND_ERR_SOCKET' },
      { startUs: ms(4500), endUs: ms(4501), code: 'ECONNRESET' }, // outside every horizon
    ];
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts, [], hidden);
    expect(a.totals.failed).toBe(1);
    expect(a.totals.hiddenByRetry).toBe(3);
    expect(a.totals.hiddenByCode).toEqual({ UND_ERR_SOCKET: 2, ECONNRESET: 1 });
    expect(a.totals.attemptFailures).toBe(4);
    expect(a.disruptions[0].failedRequests).toBe(1);
    expect(a.disruptions[0].hiddenByRetry).toBe(2);
    expect(a.totals.backgroundFailures).toBe(0); // a hidden attempt is not a failure users saw
    expect(analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts).totals.hiddenByRetry).toBe(0);
  });

  it('counts failures outside every horizon as background failures', () => {
    const rows = [...steady(0, 5000, 1, () => 1), fail(500, 501), fail(4500, 4502)];
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200, 'blue', 'blue')], opts);
    expect(a.totals.backgroundFailures).toBe(2);
    expect(a.disruptions[0].failedRequests).toBe(0);
    expect(a.disruptions[0].errorWindowMs).toBe(0);
    expect(a.disruptions[0].errorWindow).toBeNull();
  });

  it('finds the longest interval without a success inside the horizon, and the excess over steady jitter', () => {
    // Requests every 1 ms, 1 ms long; none start from 2100 to 2140: completions at 2100, then 2142.
    const rows = steady(0, 5000, 1, (t) => (t < 2100 ? 1 : 2)).filter((r) => r.start < ms(2100) || r.start > ms(2140));
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts);
    expect(a.gapReferenceMs).toBe(1);
    expect(a.disruptions[0].maxGapMs).toBe(42);
    expect(a.disruptions[0].maxGap).toEqual({ fromMs: 2100, toMs: 2142 });
    expect(a.disruptions[0].excessGapMs).toBe(41);
  });

  it('gives a gap where horizons overlap to the newer switch only', () => {
    // No success between 2900 and 2950: inside switch 1's settle time, but after switch 2 began.
    const rows = steady(0, 6000, 1, (t) => (t < 2100 ? 1 : t < 2850 ? 2 : 1)).filter((r) => r.start < ms(2900) || r.start > ms(2950));
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200), switchAt(2800, 3000, 'green', 'blue')], opts);
    expect(a.disruptions[0].maxGapMs).toBe(1);
    expect(a.disruptions[1].maxGapMs).toBe(52);
  });

  it('takes the gap reference from steady state after warm-up, and has none without one', () => {
    // A slow start: one success per 20 ms during the first second, then one per ms.
    const rows = [...steady(0, 1000, 20, () => 1), ...steady(1000, 5000, 1, () => 1)];
    expect(analyze(recordSetOf(rows), [], { ...opts, warmupMs: 1000 }).gapReferenceMs).toBe(1);
    expect(analyze(recordSetOf(rows), [], { ...opts, warmupMs: 0 }).gapReferenceMs).toBe(20);
    const all = analyze(recordSetOf(rows), [switchAt(0, 4500, 'blue', 'blue')], opts);
    expect(all.gapReferenceMs).toBeNull();
    expect(all.disruptions[0].excessGapMs).toBeNull();
  });

  it('reports a gap crossing the horizon\'s edges whole, and one left open up to the end of the load', () => {
    const ends = new Float64Array([ms(1), ms(2), ms(10)]);
    expect(longestGap(ends, { from: ms(5), to: ms(8) }, ms(10))).toEqual({ from: ms(2), length: ms(8) });
    expect(longestGap(ends, { from: ms(0), to: ms(50) }, ms(10))).toEqual({ from: ms(2), length: ms(8) });
    // Two gaps overlap [5, 8]: 1 → 6 across its start, 6 → 12 across its end; the longer, whole.
    expect(longestGap(new Float64Array([ms(1), ms(6), ms(12)]), { from: ms(5), to: ms(8) }, ms(12))).toEqual({ from: ms(6), length: ms(6) });
    expect(longestGap(new Float64Array([ms(1), ms(3)]), { from: ms(5), to: ms(8) }, ms(9))).toEqual({ from: ms(3), length: ms(6) });
  });

  it('counts a gap that spans the start of the next horizon whole in both switches', () => {
    const rows = steady(0, 6000, 1, (t) => (t < 2100 ? 1 : t < 2850 ? 2 : 1)).filter((r) => r.start < ms(2780) || r.start > ms(2820));
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200), switchAt(2800, 3000, 'green', 'blue')], opts);
    expect(a.disruptions[0].maxGapMs).toBe(42);
    expect(a.disruptions[1].maxGapMs).toBe(42);
    expect(a.disruptions[0].maxGap).toEqual(a.disruptions[1].maxGap);
  });

  it('takes the reference as the longest steady gap, only over at least a horizon\'s length of steady time', () => {
    // One 9 ms hiccup in steady state: a switch whose longest gap is no longer reads no excess.
    const rows = steady(0, 6000, 1, () => 1).filter((r) => r.start < ms(4500) || r.start > ms(4507));
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200, 'blue', 'blue')], { ...opts, warmupMs: 1000 });
    expect(a.gapReferenceMs).toBe(9);
    // Steady time 1000–2000 and 3200–6000 (3.8 s) against a 1.2 s horizon; a 4.5 s horizon leaves too little.
    const long = analyze(recordSetOf(rows), [switchAt(1000, 4500, 'blue', 'blue')], { ...opts, warmupMs: 500 });
    expect(long.gapReferenceMs).toBeNull();
  });

  it('gives overlapping horizons\' failures to the newer switch', () => {
    const horizons = [
      { from: 0, to: 100 },
      { from: 50, to: 150 },
    ];
    expect(attribute(horizons, 10)).toBe(0);
    expect(attribute(horizons, 60)).toBe(1);
    expect(attribute(horizons, 200)).toBe(-1);
  });

  it('records the served-by crossover and accepts a switch that took effect', () => {
    const rows = steady(0, 5000, 1, (t) => (t < 2100 ? 1 : 2));
    const c = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts).disruptions[0].crossover!;
    expect(c.lastOldMs).toBe(2100); // request started at 2099 ended at 2100
    expect(c.firstNewMs).toBe(2101);
    expect(c.newShareAfter).toBe(1);
    expect(c.tookEffect).toBe(true);
  });

  it('fails a switch whose new colour does not serve after it, whatever the error count', () => {
    const rows = steady(0, 5000, 1, () => 1); // still blue after a switch to green
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts);
    expect(a.disruptions[0].crossover!.tookEffect).toBe(false);
    expect(a.disruptions[0].crossover!.newShareAfter).toBe(0);
    expect(a.problems).toEqual(['switch: blue → green did not take effect: 0.0% of responses after it came from green']);
  });

  it('judges a switch by the time before the next one when horizons overlap', () => {
    const colourAt = (t: number) => (t < 2100 ? 1 : t < 2700 ? 2 : 1);
    const rows = steady(0, 6000, 1, colourAt);
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200), switchAt(2600, 2800, 'green', 'blue')], opts);
    expect(a.disruptions.map((d) => d.crossover!.tookEffect)).toEqual([true, true]);
  });

  it('handles an empty run', () => {
    const a = analyze(recordSetOf([]), [], opts);
    expect(a.totals.requests).toBe(0);
    expect(a.disruptions).toEqual([]);
    expect(a.switchStats.failedRequests.count).toBe(0);
    expect(a.latency.overall.count).toBe(0);
    expect(a.problems).toEqual(['no requests were recorded']);
  });

  it('buckets the timeline by end time, by colour and by code', () => {
    const rows = [...steady(0, 100, 1, (t) => (t < 50 ? 1 : 2)), fail(20, 25), { ...fail(30, 31), outcome: OUTCOME.httpError, status: 502, errorCode: '' }];
    const t = analyze(recordSetOf(rows), [], opts).timeline;
    expect(t.ok.length).toBe(10);
    expect(t.ok.reduce((a, b) => a + b)).toBe(100);
    expect(t.blue[0]).toBe(9); // ends 1..9 fall in bucket 0
    expect(t.green[9]).toBe(11); // ends 90..99, and the run's last instant (100) in the last bucket
    expect(t.failed[2]).toBe(1);
    expect(t.failedByCode['UND_ERR_SOCKET'][2]).toBe(1);
    expect(t.failedByCode['HTTP 502'][3]).toBe(1);
  });

  it('splits latency into steady and during switches, with HDR percentiles in ms', () => {
    const rows = [
      ...steady(0, 1000, 1, () => 1), // 1 ms each, steady
      { start: ms(2050), end: ms(2060), outcome: OUTCOME.ok, status: 200, errorCode: '', conn: 1, reused: true, colour: 2 },
    ];
    const l = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts).latency;
    expect(l.steady.count).toBe(1000);
    expect(l.switching.count).toBe(1);
    expect(l.steady.p99).toBeCloseTo(1, 2);
    expect(l.switching.max).toBeCloseTo(10, 1);
    expect(l.overall.count).toBe(1001);
  });

  it('sorts hand-made records that are not in completion order', () => {
    const rows = [fail(30, 40), ...steady(0, 100, 1, () => 1)];
    const a = analyze(recordSetOf(rows), [], opts);
    expect(a.totals.durationMs).toBe(100);
    expect(a.timeline.failed[4]).toBe(1);
  });

  it('puts the load threads\' own stalls beside the switches whose horizon they overlap', () => {
    const rows = steady(0, 6000, 1, (t) => (t < 2100 ? 1 : 2));
    const stalls = [
      { thread: 0, atUs: ms(500), lengthUs: 7000 }, // before the switch: the run's longest
      { thread: 1, atUs: ms(1999), lengthUs: 2500 }, // starts before the horizon, reaches into it
      { thread: 0, atUs: ms(2600), lengthUs: 1200 },
    ];
    const a = analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts, stalls);
    expect(a.disruptions[0].loadStallMs).toBe(2.5);
    expect(a.loadStalls).toEqual({ count: 3, over5ms: 1, longestMs: 7, longestAtMs: 500, totalMs: 10.7 });
    expect(analyze(recordSetOf(rows), [switchAt(2000, 2200)], opts).disruptions[0].loadStallMs).toBe(0);
  });

  it('measures latency from the due time too, and how late requests went out', () => {
    // Due every ms; the client sends each 3 ms late and the answer takes 1 ms.
    const rows = steady(0, 1000, 1, () => 1).map((r) => ({ ...r, scheduled: r.start - ms(3) }));
    const a = analyze(recordSetOf(rows), [], opts);
    expect(a.latency.overall.p50).toBe(1);
    expect(a.latency.fromScheduled.p50).toBeCloseTo(4, 2);
    expect(a.sendLag.p99).toBeCloseTo(3, 2);
    expect(a.totals.requestsPerSecond).toBe(1000);
  });
});
