// HDR histograms (µs, 3 significant digits) of successful requests' latency.
import * as hdr from 'hdr-histogram-js';
import { OUTCOME, type RecordSet } from '../records/records.ts';
import type { LatencySummary } from './types.ts';

const newHistogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });

export function latencyHistograms(
  set: RecordSet,
  inAnyHorizon: (t: number) => boolean,
): { overall: LatencySummary; steady: LatencySummary; switching: LatencySummary; fromScheduled: LatencySummary } {
  const overall = newHistogram();
  const steady = newHistogram();
  const switching = newHistogram();
  const fromScheduled = newHistogram();
  for (let i = 0; i < set.count; i++) {
    if (set.outcome[i] !== OUTCOME.ok) continue;
    const us = Math.max(1, Math.round(set.end[i] - set.start[i]));
    overall.recordValue(us);
    (inAnyHorizon(set.start[i]) ? switching : steady).recordValue(us);
    fromScheduled.recordValue(Math.max(1, Math.round(set.end[i] - set.scheduled[i])));
  }
  return {
    overall: summarizeHistogram(overall),
    steady: summarizeHistogram(steady),
    switching: summarizeHistogram(switching),
    fromScheduled: summarizeHistogram(fromScheduled),
  };
}

/** start − scheduled of every request, ms: how late the load sent what it meant to send. */
export function sendLag(set: RecordSet): { p50: number; p99: number; p999: number; max: number } {
  const h = newHistogram();
  for (let i = 0; i < set.count; i++) h.recordValue(Math.max(1, Math.round(set.start[i] - set.scheduled[i])));
  const at = (p: number) => (h.totalCount ? h.getValueAtPercentile(p) / 1000 : 0);
  return { p50: at(50), p99: at(99), p999: at(99.9), max: h.totalCount ? h.maxValue / 1000 : 0 };
}

export function summarizeHistogram(h: hdr.Histogram): LatencySummary {
  const at = (p: number) => (h.totalCount ? h.getValueAtPercentile(p) / 1000 : 0);
  return {
    count: h.totalCount,
    min: h.totalCount ? h.minNonZeroValue / 1000 : 0,
    mean: h.totalCount ? Math.round(h.mean) / 1000 : 0,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    p9999: at(99.99),
    max: h.totalCount ? h.maxValue / 1000 : 0,
    encoded: hdr.encodeIntoCompressedBase64(h),
  };
}
