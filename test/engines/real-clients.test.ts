// The client drivers (harness/reference/drivers/), each running its real library against a TCP
// server that closes a kept-alive connection at a known moment, and reporting what the library
// surfaced to its caller. What each library does there (fail the request, or resend it on a new
// connection) was found by running it (docs/CLIENTS.md); these tests hold each one to it.
// A client not installed is not measured here, except under CI=true, where setup installs it.
import type { Socket } from 'node:net';
import { describe, it, type TestContext } from 'vitest';
import { driverVersion, notInstalled, startDriver, type ClientDriver } from '../../harness/reference/driver.ts';
import { DRIVERS } from '../../harness/reference/drivers/index.ts';
import { CODE } from '../../harness/records/failure-codes.ts';
import { OUTCOME } from '../../harness/records/records.ts';
import { nowNs } from '../../harness/clock.ts';
import { listen } from '../integration/byte-server.ts';

/**
 * fin: answers a connection's first request, and on its second closes the connection (FIN)
 * without a response; rst: the same, with a reset; answer-close: closes each connection (FIN, no
 * `Connection: close`) right after answering its first request, so the next one finds it closed.
 */
type Close = 'fin' | 'rst' | 'answer-close' | 'none' | 'silent';

/** Which requests the library resends on a new connection when the server closed the reused one under it (measured). */
const RESENDS: Record<string, { GET: boolean; POST: boolean }> = {
  undici: { GET: false, POST: false },
  'node-fetch': { GET: false, POST: false },
  'node-http': { GET: false, POST: false },
  'python-requests': { GET: false, POST: false },
  'python-httpx': { GET: false, POST: false },
  'curl-multi': { GET: true, POST: true },
  'go-net-http': { GET: true, POST: false },
};

const REQUESTS = 4;
const IDLE_MS = 100;
const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-served-by: blue\r\n\r\nok';

async function closingServer(ctx: TestContext, close: Close) {
  let answered = 0;
  let dropped = 0;
  const ended = new WeakSet<Socket>();
  /** answer-close: when each answered connection's FIN had been sent (shutdown done), in answer order */
  const finNs: bigint[] = [];
  const server = await listen((socket, n) => {
    if (close === 'silent') return;
    if (ended.has(socket) || (n > 1 && close !== 'none')) {
      dropped++;
      if (close === 'rst') socket.resetAndDestroy();
      else socket.end();
      return;
    }
    answered++;
    if (close !== 'answer-close') socket.write(ANSWER);
    else {
      socket.end(ANSWER); // the FIN right behind the response
      ended.add(socket);
      socket.once('finish', () => finNs.push(nowNs()));
    }
  });
  ctx.onTestFinished(server.close);
  return { ...server, answered: () => answered, dropped: () => dropped, finNs };
}

/** The undici reference is the open model's, timer-driven: it takes a rate, not an idle time. */
const RATE_ONLY = new Set(['undici']);

/**
 * One user sending REQUESTS requests, each IDLE_MS after the response before it (or, RATE_ONLY,
 * IDLE_MS apart): each goes out on an idle kept-alive connection, and the library's loop has had
 * IDLE_MS to read a FIN behind that response (a rate would leave it none when a slow response
 * ends at the next request's turn).
 */
async function drive(
  driver: ClientDriver,
  port: number,
  method: 'GET' | 'POST',
  { pace = RATE_ONLY.has(driver.name) ? 'rate' : 'idle', requests = REQUESTS, timeoutMs = 2000 }: { pace?: 'rate' | 'idle'; requests?: number; timeoutMs?: number } = {},
) {
  const load = await startDriver(
    driver,
    {
      url: `http://127.0.0.1:${port}/`,
      method,
      headers: {},
      body: method === 'POST' ? 'a=1' : undefined,
      connections: 1,
      rate: pace === 'rate' ? 1000 / IDLE_MS : 0,
      idleMs: IDLE_MS,
      timeoutMs,
      maxDurationMs: 10_000,
      maxRequests: requests,
      colourHeader: 'x-served-by',
    },
    { min: 200, max: 399 },
  );
  await load.endedEarly;
  const { records } = await load.stop();
  const codes = Array.from({ length: records.count }, (_, i) => records.errorCodes[records.error[i]]);
  const ok = codes.filter((c, i) => c === '' && records.outcome[i] === OUTCOME.ok).length;
  /**
   * answer-close: whether request i could meet the connection that answered the request before it
   * still open in the library: it went out before the server's FIN there (answers, and so FINs, in
   * order; µs since the load's origin, as starts are), or the moment the response before it ended
   * (its user was late), with no turn of the library's loop to read the FIN between.
   */
  const racing = (finNs: bigint[]) => {
    let answeredBefore = 0;
    return codes.map((c, i) => {
      const fin = answeredBefore > 0 ? finNs[answeredBefore - 1] : undefined;
      if (c === '') answeredBefore++;
      if (fin === undefined) return false;
      return records.start[i] < Number(fin - load.originNs) / 1000 || records.scheduled[i] <= records.end[i - 1];
    });
  };
  const idleUs = codes.slice(1).map((_, i) => records.start[i + 1] - records.end[i]);
  const rows = codes.map((c, i) => `${c || 'ok'} due ${Math.round(records.scheduled[i])} sent ${Math.round(records.start[i])} ended ${Math.round(records.end[i])} µs`).join(', ');
  return { originNs: load.originNs, rows, count: records.count, ok, codes, failedCodes: codes.filter((c) => c !== ''), racing, idleUs };
}

// A driver's cases run side by side (each its own server and program): their assertions count
// events, which no delay of a busy machine changes.
describe.concurrent.each(DRIVERS.map((d) => [d.name, d] as const))('client driver %s', (name, driver) => {
  let version: ReturnType<typeof driverVersion> | undefined;
  /** its version, or (not installed) the test skipped as not measured, or failed under CI */
  async function installed(ctx: TestContext) {
    version ??= driverVersion(driver);
    if (await version) return;
    if (process.env.CI === 'true' && driver.installedBySetup) ctx.expect.fail(notInstalled(driver));
    ctx.skip(notInstalled(driver));
  }

  it.for([
    ['fin', 'GET', CODE.SOCKET_CLOSED],
    ['fin', 'POST', CODE.SOCKET_CLOSED],
    ['rst', 'GET', CODE.RESET],
  ] as const)('server closes (%s) a reused connection under a %s: the request fails with its code, or is resent', async ([close, method, code], ctx) => {
    const { expect } = ctx;
    await installed(ctx);
    const server = await closingServer(ctx, close);
    const run = await drive(driver, server.port, method);
    expect(run.count, 'one record per request').toBe(REQUESTS);
    expect(server.dropped(), 'the server closed at least one reused connection under a request').toBeGreaterThan(0);
    if (RESENDS[name][method]) {
      expect(run.failedCodes, `${name} resends: no failure reaches the caller`).toEqual([]);
      expect(server.answered() + server.dropped(), 'the server saw each dropped request again').toBe(REQUESTS + server.dropped());
    } else {
      expect(run.failedCodes, `${name} does not resend: one failure per request the server dropped`).toEqual(Array(server.dropped()).fill(code));
      expect(run.ok, 'a success per request answered').toBe(server.answered());
    }
  });

  it('server closed the idle connection after answering: the library notices and opens a new one', async (ctx) => {
    const { expect } = ctx;
    await installed(ctx);
    const server = await closingServer(ctx, 'answer-close');
    const run = await drive(driver, server.port, 'GET');
    const racing = run.racing(server.finNs);
    const raced = racing.filter(Boolean).length;
    const fins = server.finNs.map((f) => Math.round(Number(f - run.originNs) / 1000));
    expect(run.codes.filter((c, i) => c !== '' && !racing[i]), `no request sent after the FIN, and after a wait, failed (requests: ${run.rows}; FINs at ${fins} µs)`).toEqual([]);
    expect(server.dropped(), `requests the server got on a connection it had closed: at most the ${raced} that raced its FIN`).toBeLessThanOrEqual(raced);
    expect(server.connections(), 'a connection per request that did not fail').toBe(REQUESTS - run.failedCodes.length);
  });

  it('paced by idle time: each request waits idleMs after the response before it', async (ctx) => {
    const { expect } = ctx;
    await installed(ctx);
    const server = await closingServer(ctx, 'none');
    if (RATE_ONLY.has(name)) {
      await expect(drive(driver, server.port, 'GET', { pace: 'idle' })).rejects.toThrow(/needs a rate/);
      return;
    }
    const run = await drive(driver, server.port, 'GET', { pace: 'idle' });
    expect(run.failedCodes, 'a server that never closes: no failure').toEqual([]);
    expect(Math.min(...run.idleUs), `each of ${run.idleUs.length} gaps after a response, in µs, at least ${IDLE_MS} ms`).toBeGreaterThanOrEqual(IDLE_MS * 1000);
  });

  it('server never answers: the request fails with the timeout code', async (ctx) => {
    const { expect } = ctx;
    await installed(ctx);
    const server = await closingServer(ctx, 'silent');
    const run = await drive(driver, server.port, 'GET', { requests: 1, timeoutMs: 300 });
    expect(run.codes, 'one request, no response within 300 ms').toEqual([CODE.HEADERS_TIMEOUT]);
  });

  it('nothing listens on the port: the request fails as refused', async (ctx) => {
    const { expect } = ctx;
    await installed(ctx);
    const server = await closingServer(ctx, 'none');
    await server.close(); // its port, now free: a connect there is refused
    const run = await drive(driver, server.port, 'GET', { requests: 1 });
    expect(run.codes, 'one request to a closed port').toEqual([CODE.REFUSED]);
  });
});
