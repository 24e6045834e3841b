// The reference load for the cross-check (npm run calibrate -- --cross-check): a population of
// independent keep-alive clients built on undici, with nothing of the harness's own code, so a
// fault in our client, pacer or records cannot be in both figures. Each client is an undici
// `Client` (one connection, no pipelining) that sends on its own timer, every `connections ÷ rate`
// seconds, phases spread evenly: the open model's shape without a shared pacer.
//
// The protocol and its rows: harness/reference/driver.ts.
import { Client } from 'undici';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { colourOf, runProtocol } from './node-loop.mjs';

const entry = createRequire(import.meta.url).resolve('undici');
const undiciVersion = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')).version;
let stopping = false;
let inFlight = 0;
let nextConn = 0;
/** @type {(value?: unknown) => void} */
let allDone = () => {};
/** @type {() => number} */
let since = () => 0;
/** @type {(row: unknown[]) => void} */
let emit = () => {};
/** @type {() => boolean} */
let take = () => false;

/** One user: its own connection, its own schedule. @param {any} opts @param {number} index */
function user(opts, index) {
  const url = new URL(opts.url);
  const periodUs = (opts.connections / opts.rate) * 1e6;
  const client = new Client(url.origin, {
    pipelining: 1,
    keepAliveTimeout: 600_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  let conn = -1;
  let served = 0;
  client.on('connect', () => {
    conn = nextConn++;
    served = 0;
  });
  let due = (index / opts.connections) * periodUs;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const arm = () => {
    if (stopping || !take()) return;
    timer = setTimeout(fire, Math.max(0, due - since()) / 1000);
  };
  const fire = () => {
    const scheduled = due;
    due += periodUs;
    void send(scheduled); // counted in flight before arm() may find the count bound reached and stop
    arm();
  };
  /** @param {number} scheduled */
  async function send(scheduled) {
    inFlight++;
    const reused = served > 0;
    const start = since();
    let status = 0;
    let colour = 0;
    let code = '';
    try {
      const res = await client.request({ path: url.pathname + url.search, method: opts.method, headers: opts.headers, body: opts.body });
      status = res.statusCode;
      colour = colourOf(res.headers[opts.colourHeader]);
      await res.body.dump({ limit: Infinity });
      served++;
    } catch (err) {
      const e = /** @type {Error & { code?: string }} */ (err);
      code = e.code ?? e.name ?? 'Error';
    }
    emit([scheduled, start, since(), status, code, conn, reused ? 1 : 0, colour]);
    if (--inFlight === 0 && stopping) allDone();
  }
  return {
    start: arm,
    stop: () => clearTimeout(timer),
    close: () => client.destroy().catch(() => {}),
  };
}

/** @type {ReturnType<typeof user>[]} */
let users = [];
runProtocol(`undici ${undiciVersion}`, (opts) => {
  if (!(opts.rate > 0)) {
    process.stderr.write('the undici reference models the open model: it needs a rate (load.model=open)\n');
    process.exit(2);
  }
  return {
    start(clock, write, count) {
      [since, emit, take] = [clock, write, count];
      users = Array.from({ length: opts.connections }, (_, i) => user(opts, i));
      users.forEach((u) => u.start());
    },
    async stop() {
      stopping = true;
      users.forEach((u) => u.stop());
      if (inFlight > 0) await new Promise((resolve) => (allDone = resolve));
      await Promise.all(users.map((u) => u.close()));
    },
  };
});
