// One clock across machines: each agent times its requests on its own monotonic clock; these
// pure functions put them on the coordinator's. An NTP-style exchange (the agent stamps send and
// receipt, the coordinator stamps its answer) bounds the offset by half the round trip; of
// several exchanges the one with the smallest round trip is kept. One exchange at the start and
// one at the end give the drift between the two clocks, corrected linearly in between.
import type { RecordSet } from '../records/records.ts';

/** One round trip, every time in ns: agent sent, coordinator answered, agent received. */
export interface Exchange {
  sentNs: bigint;
  coordinatorNs: bigint;
  receivedNs: bigint;
}

/** The best exchange of a burst: coordinator = agent + offsetNs, within ± errorNs, at agent time atNs. */
export interface ClockFix {
  atNs: bigint;
  offsetNs: bigint;
  errorNs: bigint;
  roundTripNs: bigint;
}

export function bestFix(exchanges: Exchange[]): ClockFix {
  if (exchanges.length === 0) throw new Error('no clock exchange');
  const best = exchanges.reduce((a, b) => (b.receivedNs - b.sentNs < a.receivedNs - a.sentNs ? b : a));
  const roundTripNs = best.receivedNs - best.sentNs;
  // The coordinator's stamp was taken somewhere inside the round trip: the midpoint is at most half of it away.
  const atNs = best.sentNs + roundTripNs / 2n;
  return { atNs, offsetNs: best.coordinatorNs - atNs, errorNs: (roundTripNs + 1n) / 2n, roundTripNs };
}

/** How an agent's clock maps onto the coordinator's between its start and end fixes. */
export interface Alignment {
  start: ClockFix;
  end: ClockFix;
  /** how much faster the coordinator's clock ran than the agent's, parts per million */
  driftPpm: number;
  /** the bound on any mapped time's error: the larger of the two fixes' (a line between two bounded points stays inside both bounds) */
  errorNs: bigint;
}

export function alignment(start: ClockFix, end: ClockFix): Alignment {
  const span = Number(end.atNs - start.atNs);
  const driftPpm = span > 0 ? (Number(end.offsetNs - start.offsetNs) / span) * 1e6 : 0;
  return { start, end, driftPpm, errorNs: start.errorNs > end.errorNs ? start.errorNs : end.errorNs };
}

/** An agent time (ns) on the coordinator's clock. */
export function toCoordinator(a: Alignment, agentNs: bigint): bigint {
  return agentNs + a.start.offsetNs + BigInt(Math.round((Number(agentNs - a.start.atNs) * a.driftPpm) / 1e6));
}

/**
 * An agent's records (µs since its own load origin) as µs since the coordinator's origin: one
 * linear map, so the records keep their order (by `end`) and can be merged as they are.
 */
export function alignRecords(set: RecordSet, a: Alignment, agentOriginNs: bigint, coordinatorOriginNs: bigint): RecordSet {
  const scale = 1 + a.driftPpm / 1e6;
  const shiftUs = Number(toCoordinator(a, agentOriginNs) - coordinatorOriginNs) / 1000;
  const out = { ...set };
  for (const name of ['scheduled', 'start', 'end'] as const) {
    const col = new Float64Array(set.count);
    const from = set[name];
    for (let i = 0; i < set.count; i++) col[i] = from[i] * scale + shiftUs;
    out[name] = col;
  }
  return out;
}
