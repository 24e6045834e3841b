// Load from several agents, the pure parts: clock alignment (NTP-style exchanges, drift) and the
// merge of their records onto the coordinator's clock, with per-agent figures.
import { describe, expect, it } from 'vitest';
import { agentShare } from '../../harness/agents/agent-load.ts';
import { alignment, alignRecords, bestFix, toCoordinator, type Exchange } from '../../harness/agents/clock-sync.ts';
import { mergeAgents, type AgentUpload } from '../../harness/agents/merge-agents.ts';
import { decodeUpload, encodeUpload, type ExchangeWire } from '../../harness/agents/messages.ts';
import { analyzeAgents, gapUncertaintyMs, recordsOn } from '../../harness/analysis/agents.ts';
import { analyze } from '../../harness/analysis/analyze.ts';
import { encodeRecords } from '../../harness/records/file.ts';
import { OUTCOME, recordSetOf, type RecordInput } from '../../harness/records/records.ts';

/**
 * A simulated agent clock: agent = coordinator × (1 − drift) − offset, and exchanges whose legs
 * take `up` and `down` ns (asymmetric: the offset's true error is (up − down) / 2).
 */
function exchange(coordinatorAtSendNs: number, up: number, down: number, offsetNs: number, driftPpm = 0): Exchange {
  const agentOf = (c: number) => BigInt(Math.round(c * (1 - driftPpm / 1e6) - offsetNs));
  return { sentNs: agentOf(coordinatorAtSendNs), coordinatorNs: BigInt(coordinatorAtSendNs + up), receivedNs: agentOf(coordinatorAtSendNs + up + down) };
}

describe('clock alignment', () => {
  it('keeps the shortest round trip of a burst, and its error bound holds the true offset', () => {
    const offset = 5_000_000; // the coordinator's clock is 5 ms ahead
    const burst = [exchange(1e9, 900_000, 100_000, offset), exchange(1.1e9, 30_000, 50_000, offset), exchange(1.2e9, 400_000, 400_000, offset)];
    const fix = bestFix(burst);
    expect(fix.roundTripNs).toBe(80_000n);
    expect(fix.errorNs).toBe(40_000n);
    expect(Math.abs(Number(fix.offsetNs) - offset)).toBeLessThanOrEqual(Number(fix.errorNs));
    expect(Number(fix.offsetNs) - offset).toBe(-10_000); // (30 µs up − 50 µs down) / 2
    // the worst exchange alone would have been 400 µs off, inside its own bound of 500 µs
    const worst = bestFix([burst[0]]);
    expect(Math.abs(Number(worst.offsetNs) - offset)).toBe(400_000);
    expect(worst.errorNs).toBe(500_000n);
  });

  it('corrects drift linearly between the start and end fixes', () => {
    const offset = -2_000_000;
    const drift = 50; // ppm
    const start = bestFix([exchange(1e9, 20_000, 20_000, offset, drift)]);
    const end = bestFix([exchange(61e9, 20_000, 20_000, offset, drift)]);
    const a = alignment(start, end);
    expect(a.driftPpm).toBeCloseTo(50, 0);
    // an agent time in the middle maps to the coordinator time it truly was, within the bound
    const trueCoordinator = 31e9;
    const agentNs = BigInt(Math.round(trueCoordinator * (1 - drift / 1e6) - offset));
    expect(Math.abs(Number(toCoordinator(a, agentNs)) - trueCoordinator)).toBeLessThanOrEqual(Number(a.errorNs) + 1);
    expect(Math.abs(Number(a.errorNs) - 20_000)).toBeLessThanOrEqual(2); // the round trip as the drifting agent clock measured it
  });

  it('maps records (µs since the agent origin) to µs since the coordinator origin, order kept', () => {
    const start = { atNs: 1_000_000_000n, offsetNs: 3_000_000n, errorNs: 10_000n, roundTripNs: 20_000n };
    const a = alignment(start, { ...start, atNs: 2_000_000_000n });
    const set = recordSetOf([row(0, 100, 0), row(0, 250, 1)]);
    // agent origin 1.5 s on its clock = 1.503 s on the coordinator's; coordinator origin 1.5 s
    const out = alignRecords(set, a, 1_500_000_000n, 1_500_000_000n);
    expect([...out.end]).toEqual([3100, 3250]);
    expect([...out.start]).toEqual([3000, 3150]);
    expect(out.outcome).toBe(set.outcome);
  });
});

function row(conn: number, endUs: number, outcome: number, startUs = endUs - 100): RecordInput {
  return {
    start: startUs,
    end: endUs,
    outcome: outcome as RecordInput['outcome'],
    status: outcome === OUTCOME.ok ? 200 : 0,
    errorCode: outcome === OUTCOME.ok ? '' : outcome === OUTCOME.transportError ? 'ECONNRESET' : 'HTTP 503',
    conn,
    reused: true,
    colour: 1,
  };
}

/** An agent's upload whose clock is `offsetNs` behind the coordinator's, exchanges with a 100 µs round trip. */
function upload(agent: number, rows: RecordInput[], offsetNs: number, originNs: bigint): AgentUpload {
  const ex = (atNs: number): ExchangeWire => [String(atNs - 50_000), String(atNs + offsetNs), String(atNs + 50_000)];
  return {
    task: `task${agent}`,
    host: 'vm',
    records: encodeRecords(recordSetOf(rows)),
    header: { agent, originNs: String(originNs), start: [ex(1e9)], end: [ex(9e9)], stalls: [0, 10, 2000], unsent: 0, threads: 1, node: 'v20' },
  };
}

describe('merging agents', () => {
  // Two agents whose clocks disagree by 7 ms: on the coordinator's clock, agent 2's failure
  // at its own 2,000 µs is at 2,000 µs too (its origin is 7 ms later on its own clock).
  const coordinatorOrigin = 2_000_000_000n;
  const a1 = [row(0, 1000, OUTCOME.ok), row(1, 2000, OUTCOME.transportError), row(0, 3000, OUTCOME.ok)];
  const a2 = [row(0, 1500, OUTCOME.ok), row(0, 2000, OUTCOME.httpError), row(2, 2500, OUTCOME.transportError), row(2, 9000, OUTCOME.ok)];
  const merged = mergeAgents([upload(1, a1, 0, coordinatorOrigin), upload(2, a2, 7_000_000, coordinatorOrigin - 7_000_000n)], coordinatorOrigin);

  it('puts every record on the coordinator clock, connection ids unique per agent, codes in one table', () => {
    expect(merged.records.count).toBe(7);
    expect([...merged.records.end]).toEqual([1000, 1500, 2000, 2000, 2500, 3000, 9000]);
    expect(new Set(merged.records.conn)).toEqual(new Set([0, 1, 2, 4]));
    expect(merged.agents.map((a) => a.connections)).toEqual([{ from: 0, to: 2 }, { from: 2, to: 5 }]);
    expect(merged.agents[1].clock.offsetMs).toBeCloseTo(7, 6);
    expect(merged.agents[1].clock.errorMs).toBeCloseTo(0.05, 6);
    expect(merged.records.errorCodes).toEqual(['', 'ECONNRESET', 'HTTP 503']);
    expect(merged.stalls.map((s) => s.thread)).toEqual([0, 1]);
  });

  it('per agent: the failed counts sum to the merged count, per disruption too', () => {
    const disruptions = [{ kind: 'switch' as const, label: 's1', events: [{ name: 'x', atUs: 1900 }] }];
    const opts = { settleMs: 1, bucketMs: 10, warmupMs: 0 };
    const whole = analyze(merged.records, disruptions, opts);
    const per = analyzeAgents(merged.records, disruptions, opts, merged.agents);
    expect(per.agents.map((g) => g.failed)).toEqual([1, 2]);
    expect(per.agents.reduce((n, g) => n + g.failed, 0)).toBe(whole.totals.failed);
    expect(per.agents.reduce((n, g) => n + g.failedPerDisruption[0], 0)).toBe(whole.disruptions[0].failedRequests);
    expect(recordsOn(merged.records, 2, 5).count).toBe(4);
    expect(per.gapUncertaintyMs).toBeCloseTo(0.1, 6);
    expect(gapUncertaintyMs([])).toBe(0);
  });

  it('an upload survives its wire format', () => {
    const u = upload(3, a1, 0, 1n);
    const back = decodeUpload(encodeUpload(u.header, u.records));
    expect(back.header).toEqual(u.header);
    expect(back.records.equals(u.records)).toBe(true);
  });
});

describe("an agent's share", () => {
  it('splits connections, rate and the request bound; each agent its own Poisson seed', () => {
    const options = {
      url: 'http://127.0.0.1:1/', model: 'open' as const, pacing: 'timer' as const, connections: 10, threads: 1, timeoutMs: 1000, clientKeepAlive: true,
      successMin: 200, successMax: 399, maxDurationMs: 1000, maxRequests: 100,
      arrivals: { rate: 1000, rampFromRate: 0, rampMs: 0, arrivals: 'poisson' as const, seed: 1 },
    };
    const shares = [1, 2, 3].map((k) => agentShare(options, 'auto', 3, k));
    expect(shares.map((s) => s.connections)).toEqual([4, 3, 3]);
    expect(shares.reduce((n, s) => n + s.arrivals.rate, 0)).toBeCloseTo(1000, 9);
    expect(new Set(shares.map((s) => s.arrivals.seed)).size).toBe(3);
    expect(shares[0].threads).toBe('auto');
  });
});
