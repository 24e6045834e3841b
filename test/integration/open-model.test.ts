// The open model against servers whose behaviour the test controls: requests due while the
// target stalls are recorded (coordinated omission handled), idle connections are used in turn,
// several threads make one schedule, and a load thread that stops early ends the run (exit 2).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usSince } from '../../harness/clock.ts';
import { startLoad } from '../../harness/load/generator.ts';
import type { LoadOptions } from '../../harness/load/messages.ts';
import { OUTCOME, type RecordSet } from '../../harness/records/records.ts';
import { loadOptions, runCli, testHttpServer } from './helpers.ts';

const { listen } = testHttpServer();

const options = (port: number, o: Partial<LoadOptions>): LoadOptions =>
  loadOptions(`http://127.0.0.1:${port}/`, {
    model: 'open',
    arrivals: { rate: 1000, rampFromRate: 0, rampMs: 0, arrivals: 'constant', seed: 1 },
    pacing: 'poll',
    connections: 8,
    timeoutMs: 3000,
    maxDurationMs: 20_000,
    maxRequests: 1_000_000,
    ...o,
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const indices = (set: RecordSet, keep: (i: number) => boolean) => Array.from({ length: set.count }, (_, i) => i).filter(keep);

/** A server that holds every response due inside [stallFrom, stallFrom + 500 ms) until the end of it. */
async function stallingServer(): Promise<{ port: number; stallAt: (atNs: bigint) => void }> {
  let from = -1n;
  const port = await listen((_req, res) => {
    const now = process.hrtime.bigint();
    const answer = () => res.writeHead(200, { 'x-served-by': 'blue' }).end('ok');
    if (from >= 0n && now >= from && now < from + 500_000_000n) setTimeout(answer, Number(from + 500_000_000n - now) / 1e6);
    else answer();
  });
  return { port, stallAt: (atNs) => (from = atNs) };
}

/**
 * Load for 3.3 s against a target that stalls 800 ms in; the records and the stall's start (µs).
 * 2 s after the stall's end leave the backlog time to drain on a crowded machine.
 */
async function throughStall(o: Partial<LoadOptions>): Promise<{ r: RecordSet; from: number }> {
  const { port, stallAt } = await stallingServer();
  const load = await startLoad(options(port, o));
  await sleep(800);
  const stallNs = process.hrtime.bigint();
  stallAt(stallNs);
  await sleep(2500);
  const { records: r } = await load.stop();
  return { r, from: usSince(load.originNs, stallNs) };
}

describe('open model', () => {
  it('a target that stalls 500 ms: every request due during the stall is recorded, late', async () => {
    const { r, from } = await throughStall({});
    const to = from + 500_000;
    const due = indices(r, (i) => r.scheduled[i] >= from && r.scheduled[i] < to);
    // 1000 req/s for 0.5 s, whatever the stall did to the 8 connections.
    expect(due.length).toBeGreaterThan(490);
    expect(due.length).toBeLessThan(510);
    expect(due.every((i) => r.outcome[i] === OUTCOME.ok)).toBe(true);
    // The first due in the stall waits it out; counted from its due time, not from its send.
    const first = due[0];
    expect((r.end[first] - r.scheduled[first]) / 1000).toBeGreaterThan(450);
    // Most of them could only go out once a connection came free, after the stall.
    expect(due.filter((i) => r.start[i] >= to).length).toBeGreaterThan(400);
    expect(indices(r, (i) => r.scheduled[i] >= to + 100_000).length).toBeGreaterThan(0); // and the load went on
  });

  it('the closed loop, for contrast, records one request per connection during the same stall', async () => {
    const { r, from } = await throughStall({ model: 'closed', connections: 1 });
    // The one request on its way when the stall began waits it out; none other is even sent
    // (at most one, if the stall began between two). Up to 450 ms: the held answer's timer may
    // fire a fraction of a ms before the stall's end.
    expect(indices(r, (i) => r.scheduled[i] >= from && r.scheduled[i] < from + 450_000).length).toBeLessThanOrEqual(1);
    expect(indices(r, (i) => r.start[i] < from + 450_000 && r.end[i] - r.start[i] > 400_000)).toHaveLength(1);
  });

  it('uses every connection of the pool in turn, each idle about connections ÷ rate', async () => {
    const port = await listen((_req, res) => res.writeHead(200).end('ok'));
    const load = await startLoad(options(port, { connections: 20, arrivals: { rate: 200, rampFromRate: 0, rampMs: 0, arrivals: 'constant', seed: 1 } }));
    await sleep(1600);
    const { records: r } = await load.stop();
    expect(new Set(r.conn).size).toBe(20);
    const lastOnConn = new Map<number, number>();
    const idleMs: number[] = [];
    for (let i = 0; i < r.count; i++) {
      const prev = lastOnConn.get(r.conn[i]);
      if (prev !== undefined) idleMs.push((r.start[i] - prev) / 1000);
      lastOnConn.set(r.conn[i], r.end[i]);
    }
    idleMs.sort((a, b) => a - b);
    const median = idleMs[idleMs.length >> 1];
    expect(median).toBeGreaterThan(90);
    expect(median).toBeLessThan(105);
    expect(r.reused.filter((x) => x === 1).length).toBe(r.count - 20);
  });

  it('two threads keep one schedule between them: the asked rate, merged in time order', async () => {
    const port = await listen((_req, res) => res.writeHead(200).end('ok'));
    const load = await startLoad(options(port, { threads: 2, connections: 8 }));
    await sleep(2000);
    const { records: r, stalls } = await load.stop();
    const steady = indices(r, (i) => r.scheduled[i] >= 500_000 && r.scheduled[i] < 1_500_000);
    expect(steady.length).toBeGreaterThanOrEqual(999);
    expect(steady.length).toBeLessThanOrEqual(1001);
    for (let i = 1; i < r.count; i++) expect(r.end[i]).toBeGreaterThanOrEqual(r.end[i - 1]);
    expect(new Set(r.conn).size).toBe(8);
    expect(Array.isArray(stalls)).toBe(true);
  });

  it('a load thread that hits its cap says so at once', async () => {
    const port = await listen((_req, res) => res.writeHead(200).end('ok'));
    const load = await startLoad(options(port, { maxRequests: 300 }));
    const reason = await Promise.race([load.endedEarly, sleep(3000).then(() => 'still running')]);
    expect(reason).toBe('load thread 1 hit its request cap (300 requests)');
    // All 300 were sent, or still waiting for a connection when the cap stopped the load.
    const { records, unsent } = await load.stop();
    expect(records.count + unsent).toBe(300);
  });
});

describe('a run whose load stops early', () => {
  it('ends with exit 2 and says why, instead of switching with no load', async () => {
    const out = mkdtempSync(join(tmpdir(), 'downtime-test-reports-'));
    const r = await runCli(['keepalive-60s', '--duration', '4s', '--switches', '1', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s', '--set', 'load.maxRequests=500', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/load thread 1 hit its request cap \(500 requests\) before the run's end/);
  }, 30_000);
});
