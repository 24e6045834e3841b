// The reference load for the cross-check (npm run calibrate -- --cross-check): a population of
// independent keep-alive clients built on undici, with nothing of the harness's own code, so a
// fault in our client, pacer or records cannot be in both figures. Each client is an undici
// `Client` (one connection, no pipelining) that sends on its own timer, every `connections ÷ rate`
// seconds, phases spread evenly: the open model's shape without a shared pacer.
//
// Protocol, one JSON value per line: argv[2] holds the options; it writes {"ready":true,
// "client":{"name":"undici","version":…}}, reads "go <originNs>" and later "stop" on stdin, then
// writes one array per request [scheduled, start, end, ok, status, code, conn, reused, colour]
// (µs since the origin on the shared monotonic clock) and {"done":true} last.
import { Client } from 'undici';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const opts = JSON.parse(process.argv[2]);
const url = new URL(opts.url);
const periodUs = (opts.connections / opts.rate) * 1e6;
let originNs = 0n;
const since = () => Number(process.hrtime.bigint() - originNs) / 1000;
/** @type {unknown[][]} */
const rows = [];
const entry = createRequire(import.meta.url).resolve('undici');
const undiciVersion = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')).version;
// Bounded whatever happens to the harness: no stop by the time cap, or stdin gone, ends it.
setTimeout(() => process.exit(3), opts.maxDurationMs).unref();
let stopping = false;
let inFlight = 0;
let nextConn = 0;
/** @type {(value?: unknown) => void} */
let allDone = () => {};
const colourHeader = opts.colourHeader ?? 'x-served-by';
/** @param {unknown} v */
const colourOf = (v) => (typeof v !== 'string' ? 0 : v.includes('blue') ? 1 : v.includes('green') ? 2 : 0);

/** One user: its own connection, its own schedule. @param {number} index */
function user(index) {
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
    if (stopping) return;
    timer = setTimeout(fire, Math.max(0, due - since()) / 1000);
  };
  const fire = () => {
    const scheduled = due;
    due += periodUs;
    arm();
    void send(scheduled);
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
      const res = await client.request({ path: url.pathname + url.search, method: opts.method ?? 'GET' });
      status = res.statusCode;
      colour = colourOf(res.headers[colourHeader]);
      await res.body.dump({ limit: Infinity });
      served++;
    } catch (err) {
      const e = /** @type {Error & { code?: string }} */ (err);
      code = e.code ?? e.name ?? 'Error';
    }
    const ok = code === '' && status >= opts.successMin && status <= opts.successMax;
    rows.push([scheduled, start, since(), ok ? 1 : 0, status, code, conn, reused ? 1 : 0, colour]);
    if (--inFlight === 0 && stopping) allDone();
  }
  return {
    start: arm,
    stop: () => clearTimeout(timer),
    close: () => client.destroy().catch(() => {}),
  };
}

const users = Array.from({ length: opts.connections }, (_, i) => user(i));
const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  if (line.startsWith('go ')) {
    originNs = BigInt(line.slice(3));
    users.forEach((u) => u.start());
  } else if (line === 'stop') {
    stopping = true;
    users.forEach((u) => u.stop());
    if (inFlight > 0) await new Promise((resolve) => (allDone = resolve));
    await Promise.all(users.map((u) => u.close()));
    let out = '';
    for (const r of rows) out += `${JSON.stringify(r)}\n`;
    process.stdout.write(`${out}${JSON.stringify({ done: true })}\n`, () => process.exit(0));
  }
});
lines.on('close', () => {
  if (!stopping) process.exit(1);
});
process.stdout.write(`${JSON.stringify({ ready: true, client: { name: 'undici', version: undiciVersion } })}\n`);
