// The Node drivers' shared part (harness/reference/driver.ts gives the protocol): settings from
// argv, "go"/"stop" on stdin, one row per request on stdout at the end, and the users' pacing. A
// driver gives its library's version and one user: a function that sends one request and says
// what came back.
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** @typedef {{ status: number, kind: string, colour: number }} Outcome */
/** @typedef {{ send(): Promise<Outcome>, close(): Promise<void> | void }} User */

/** Colour index of a response's colour header value: 1 blue, 2 green, 0 neither. @param {unknown} v */
export const colourOf = (v) => (typeof v !== 'string' ? 0 : v.includes('blue') ? 1 : v.includes('green') ? 2 : 0);

/** The settings, or (with --version) the version printed and the process ended. @param {string} version */
function settingsOrVersion(version) {
  if (process.argv[2] === '--version') {
    process.stdout.write(`${version}\n`);
    process.exit(0);
  }
  return JSON.parse(process.argv[2]);
}

/**
 * The protocol around a driver's own sending: `start(since, emit, take)` once "go" arrives,
 * `stop()` at "stop" or at the time bound, resolving when in-flight requests have ended.
 * @param {string} version
 * @param {(opts: any) => { start(since: () => number, emit: (row: unknown[]) => void, take: () => boolean): void, stop(): Promise<void> }} makeLoad
 */
export function runProtocol(version, makeLoad) {
  const opts = settingsOrVersion(version);
  const load = makeLoad(opts);
  let originNs = 0n;
  const since = () => Number(process.hrtime.bigint() - originNs) / 1000;
  // Rows are written at the end, not as they come: writing costs the sending loop CPU.
  /** @type {unknown[][]} */
  const rows = [];
  /** @param {unknown[]} row */
  const emit = (row) => rows.push(row);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await load.stop();
    let out = '';
    for (const row of rows) out += `${JSON.stringify(row)}\n`;
    process.stdout.write(`${out}${JSON.stringify({ done: true })}\n`, () => process.exit(0));
  };
  let started = 0;
  /** Whether another request may start; past maxRequests, the load ends. */
  const take = () => {
    if (started++ < opts.maxRequests) return true;
    void stop();
    return false;
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.startsWith('go ')) {
      originNs = BigInt(line.slice(3));
      setTimeout(stop, opts.maxDurationMs).unref();
      load.start(since, emit, take);
    } else if (line === 'stop') void stop();
  });
  lines.on('close', () => {
    if (!stopping) process.exit(1);
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

/**
 * Users that each send, wait for the outcome, then wait for their next turn: every
 * connections ÷ rate seconds on their own schedule (phases spread evenly), or idleMs after the
 * response. Bounded by maxRequests over all users.
 * @param {string} version
 * @param {(opts: any, index: number) => User} newUser
 */
export function runUsers(version, newUser) {
  /** @type {() => void} */
  let wake = () => {};
  const woken = new Promise((resolve) => (wake = () => resolve(undefined)));
  /** @type {Promise<void>[]} */
  let loops = [];
  /** @type {User[]} */
  let users = [];
  let stopping = false;
  runProtocol(version, (opts) => ({
    start(since, emit, take) {
      const periodUs = opts.rate > 0 ? (opts.connections / opts.rate) * 1e6 : 0;
      users = Array.from({ length: opts.connections }, (_, i) => newUser(opts, i));
      /** @param {number} index */
      const loop = async (index) => {
        const user = users[index];
        let due = (index / opts.connections) * periodUs;
        let served = 0;
        for (;;) {
          // a timer may fire up to a millisecond early by the monotonic clock: wait again until due
          for (let waitUs = due - since(); waitUs > 0 && !stopping; waitUs = due - since()) await Promise.race([sleep(Math.ceil(waitUs / 1000)), woken]);
          if (stopping || !take()) return;
          const start = since();
          const outcome = await user.send();
          const end = since();
          emit([due, start, end, outcome.status, outcome.kind, index, served > 0 ? 1 : 0, outcome.colour]);
          if (!outcome.kind) served++;
          due = periodUs > 0 ? due + periodUs : end + opts.idleMs * 1000;
        }
      };
      loops = users.map((_, i) => loop(i));
    },
    async stop() {
      stopping = true;
      wake();
      await Promise.all(loops);
      await Promise.all(users.map((u) => u.close()));
    },
  }));
}
