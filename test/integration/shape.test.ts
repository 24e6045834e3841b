// `npm run shape` on what a real nginx logged with the documented log_format lines: a known
// sequence of requests on known keep-alive connections (node:http agents, one socket each, known
// sleeps between requests) gives back its exact counts, and idle times within the bounds the
// clients' own clock and nginx's millisecond stamps allow.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveScenario } from '../../harness/scenario/resolve.ts';
import { LOG_FORMATS } from '../../harness/shape/log-line.ts';
import { parseShape, type Shape } from '../../harness/shape/schema.ts';
import { startLocalStack } from '../../harness/stack/local/local-stack.ts';
import { harnessProcesses, startScript } from './helpers.ts';

interface Sent {
  /** performance.now() when the request was written, and when its response had fully arrived */
  writtenMs: number;
  receivedMs: number;
  reused: boolean;
}

/** One request on `agent`, its body read to the end. */
function send(origin: string, agent: Agent | false, method = 'GET'): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/`, { method, agent, headers: method === 'POST' ? { 'content-length': '2' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ writtenMs, receivedMs: performance.now(), reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no response within 5 s')));
    const writtenMs = performance.now();
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests in turn on one keep-alive connection, `sleepMs` between a response and the next request. */
async function connection(origin: string, methods: string[], sleepMs: number): Promise<Sent[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sent: Sent[] = [];
  try {
    for (const [i, method] of methods.entries()) {
      if (i > 0) await sleep(sleepMs);
      sent.push(await send(origin, agent, method));
    }
  } finally {
    agent.destroy();
  }
  return sent;
}

/** $msec and $request_time have millisecond steps: each stamp may read up to 1 ms early. */
const STAMP_MS = 2;

describe('npm run shape on a real nginx access log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shape-integration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back the connections, requests and idle times that were sent, from the plain and the JSON log alike', async () => {
    const plainLog = join(dir, 'access.log');
    const jsonLog = join(dir, 'access.json.log');
    const scenario = resolveScenario('keepalive-60s', [
      { path: 'proxy.extraHttp', value: [LOG_FORMATS.plain, LOG_FORMATS.json] },
      { path: 'proxy.extraLocation', value: [`access_log ${plainLog} downtime;`, `access_log ${jsonLog} downtime_json;`] },
    ]);
    const stack = await startLocalStack(scenario);
    let a: Sent[];
    let b: Sent[];
    try {
      // A: three requests 200 ms apart (the last a POST); B meanwhile: two, 300 ms apart; then C: one, Connection: close
      [a, b] = await Promise.all([connection(stack.origin, ['GET', 'GET', 'POST'], 200), connection(stack.origin, ['GET', 'GET'], 300)]);
      await send(stack.origin, false);
    } finally {
      await stack.stop();
    }
    expect(harnessProcesses()).toEqual([]);
    expect([...a, ...b].map((s) => s.reused)).toEqual([false, true, true, false, true]);

    const run = async (log: string, out: string): Promise<Shape> => {
      const { code, stdout, stderr } = await startScript('harness/cli/shape.ts', [log, '--out', out, '--json']).result;
      expect(code, stderr).toBe(0);
      expect(existsSync(join(out, 'shape.html'))).toBe(true);
      const shape = parseShape(readFileSync(join(out, 'shape.json'), 'utf8'), 'shape.json');
      expect({ ...JSON.parse(stdout), dir: undefined }).toEqual({ ...shape, dir: undefined });
      return shape;
    };
    const plain = await run(plainLog, join(dir, 'plain'));
    const json = await run(jsonLog, join(dir, 'json'));
    expect(plain.lines).toMatchObject({ total: 6, plain: 6, json: 0, malformed: 0 });
    expect(json.lines).toMatchObject({ total: 6, plain: 0, json: 6, malformed: 0 });
    const figures = (s: Shape) => ({ ...s, createdAt: '', sources: [], lines: {} });
    expect(figures(json)).toEqual(figures(plain));

    expect(plain.requests).toMatchObject({ total: 6, unlogged: 0, methods: { GET: 5, POST: 1 }, statuses: { '200': 6 } });
    expect(plain.connections).toMatchObject({ total: 3, opened: 3, continued: 0, closedByHorizon: 0, openAtEnd: 3 });
    expect(plain.connections.requestsPerConnection).toMatchObject({ count: 3, min: 1, p50: 2, max: 3 });
    expect(plain.connections.requestsPerConnection.histogram.counts.slice(0, 3)).toEqual([0, 1, 2]); // 1 | 2, 3 (edges 1, 2, 5)
    expect(plain.rttUs.count + plain.rttUs.missing).toBe(6);

    // Each idle time lies between what the client saw: at least its own pause (the response's
    // arrival to the next write), at most the previous write to the next response's arrival;
    // both widened by the stamps' millisecond steps. So the median lies within A's two bounds.
    const bounds = (sent: Sent[]) => sent.slice(1).map((next, i) => ({ low: next.writtenMs - sent[i].receivedMs - STAMP_MS, high: next.receivedMs - sent[i].writtenMs + STAMP_MS }));
    const all = [...bounds(a), ...bounds(b)];
    expect(plain.idleMs.count).toBe(3);
    expect(plain.idleMs.min, `shortest idle ≥ the shortest client pause − ${STAMP_MS} ms: ${JSON.stringify(all)}`).toBeGreaterThanOrEqual(Math.min(...all.map((x) => x.low)));
    expect(plain.idleMs.max, `longest idle ≤ the widest client bound: ${JSON.stringify(all)}`).toBeLessThanOrEqual(Math.max(...all.map((x) => x.high)));
    const median = plain.idleMs.p50!;
    const aBounds = bounds(a);
    expect(median, `median idle (one of A's 200 ms pauses) within A's bounds ${JSON.stringify(aBounds)}`).toBeGreaterThanOrEqual(Math.min(...aBounds.map((x) => x.low)));
    expect(median, `median idle within A's bounds ${JSON.stringify(aBounds)}`).toBeLessThanOrEqual(Math.max(...aBounds.map((x) => x.high)));
    expect(median, 'a timer never fires early: at least the 200 ms sleep less the stamps').toBeGreaterThanOrEqual(200 - STAMP_MS);
  }, 30_000);

  it('bad input: a file that is not there, a directory, a bad horizon: exit 2 naming what is wrong; --help shows the log_format', async () => {
    const missing = await startScript('harness/cli/shape.ts', [join(dir, 'nope.log'), '--out', join(dir, 'out')]).result;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nope.log')}: cannot read it (ENOENT)`);
    const directory = await startScript('harness/cli/shape.ts', [dir, '--out', join(dir, 'out')]).result;
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`${dir}: cannot read it (EISDIR)`);
    const horizon = await startScript('harness/cli/shape.ts', ['x.log', '--horizon', 'soon']).result;
    expect(horizon.code).toBe(2);
    expect(horizon.stderr).toContain('--horizon soon: expected a duration');
    const help = await startScript('harness/cli/shape.ts', ['--help']).result;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(LOG_FORMATS.plain);
  }, 30_000);
});
