// The load generator against servers whose behaviour the test controls: what it records for a
// new connection, a reused one, a `Connection: close` answer, a socket destroyed under a
// request, and a refused connection (docs/MEASUREMENT.md, "What is recorded for each request").
import { describe, expect, it } from 'vitest';
import { startLoad } from '../../harness/load/generator.ts';
import { OUTCOME, type RecordSet } from '../../harness/records/records.ts';
import { loadOptions, testHttpServer } from './helpers.ts';

const { listen, close } = testHttpServer();

async function load(port: number, connections: number, maxRequests: number): Promise<RecordSet> {
  const running = await startLoad(loadOptions(`http://127.0.0.1:${port}/`, { connections, maxRequests, pacing: 'poll' }));
  // until the thread has made them all (as its progress says), or 1.5 s: far longer than they need
  for (let waited = 0; running.progress.requests < maxRequests && waited < 1500; waited += 20) await new Promise((r) => setTimeout(r, 20));
  return (await running.stop()).records;
}

const rows = (set: RecordSet) =>
  Array.from({ length: set.count }, (_, i) => ({
    start: set.start[i],
    end: set.end[i],
    outcome: set.outcome[i],
    status: set.status[i],
    code: set.errorCodes[set.error[i]],
    conn: set.conn[i],
    reused: set.reused[i],
    colour: set.colour[i],
  }));

describe('load worker records', () => {
  it('a new connection, then reuse until the server says Connection: close', async () => {
    let served = 0;
    const port = await listen((_req, res) => {
      served++;
      // every third response closes its connection, as nginx does at keepalive_requests
      res.writeHead(200, { 'x-served-by': 'green', ...(served % 3 === 0 ? { connection: 'close' } : {}) }).end('ok');
    });
    const r = rows(await load(port, 1, 9));
    expect(r.map((x) => x.outcome)).toEqual(new Array(9).fill(OUTCOME.ok));
    expect(r.map((x) => x.conn)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(r.map((x) => x.reused)).toEqual([0, 1, 1, 0, 1, 1, 0, 1, 1]);
    expect(r.every((x) => x.colour === 2 && x.status === 200)).toBe(true);
    for (const [i, x] of r.entries()) {
      expect(x.start).toBeGreaterThan(0);
      expect(x.end).toBeGreaterThanOrEqual(x.start);
      if (i > 0) expect(x.start).toBeGreaterThanOrEqual(r[i - 1].end); // closed loop: one at a time
    }
  });

  it('a request whose reused connection is destroyed under it: transport error, reused', async () => {
    let served = 0;
    const port = await listen((req, res) => {
      if (++served === 3) req.socket.destroy(); // the request was written; the answer never comes
      else res.writeHead(200, { 'x-served-by': 'blue' }).end('ok');
    });
    const r = rows(await load(port, 1, 5));
    expect(r[2].outcome).toBe(OUTCOME.transportError);
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(r[2].code);
    expect(r[2].reused).toBe(1);
    expect(r[2].status).toBe(0);
    expect(r[3]).toMatchObject({ outcome: OUTCOME.ok, reused: 0, conn: 1, colour: 1 });
  });

  it('an HTTP error status is an http_error with its status', async () => {
    const port = await listen((_req, res) => res.writeHead(503).end());
    const r = rows(await load(port, 2, 4));
    expect(r.every((x) => x.outcome === OUTCOME.httpError && x.status === 503 && x.code === '')).toBe(true);
  });

  it('a refused connection: transport error ECONNREFUSED on a new connection', async () => {
    const port = await listen(() => {});
    await close();
    const r = rows(await load(port, 1, 3));
    expect(r).toHaveLength(3);
    expect(r.every((x) => x.outcome === OUTCOME.transportError && x.code === 'ECONNREFUSED' && x.reused === 0)).toBe(true);
    expect(new Set(r.map((x) => x.conn)).size).toBe(3);
  });
});
