// Benchmark: our load generator's request rate and CPU per request beside autocannon's and wrk's
// on the same target, to show whether our meter is a fast enough client (a slow client would
// hide gaps, not cause them); and the open model's accuracy: achieved against asked rate, and how
// late requests went out, at rates up to what the machine allows.
//
//   npm run bench -- [--target app|nginx|both] [--connections 32] [--duration 5s] [--open-rates …] [--json]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, jsonFlag, parserOptions, type Flags } from '../harness/cli/flags.ts';
import { stopOnSignals } from '../harness/cli/signals.ts';
import { durationFlag } from '../harness/scenario/schema.ts';
import { usSince } from '../harness/clock.ts';
import { CannotMeasure } from '../harness/errors.ts';
import { startLoad } from '../harness/load/generator.ts';
import { resolveScenario } from '../harness/scenario/resolve.ts';
import { spawnTracked, stopChild } from '../harness/stack/processes.ts';
import { startLocalStack } from '../harness/stack/local/local-stack.ts';

const OPEN_RATES = '1000,2000,5000,10000,20000';
const BENCH_FLAGS = {
  target: { type: 'string', default: 'both', value: 'app|nginx|both', help: 'what to load (default both)' },
  connections: { type: 'string', default: '32', value: '<n>', help: 'keep-alive connections, every tool (default 32)' },
  duration: {
    type: 'string',
    default: '5s',
    value: '<time>',
    help: "measured time per tool and rate, in whole seconds (wrk's -d), e.g. 5s;\na bare number is milliseconds, as in every command (default 5s)",
  },
  'open-rates': { type: 'string', default: OPEN_RATES, value: '<list>', help: `open-model rates, req/s, comma-separated (default ${OPEN_RATES};\nnone: skip)` },
  ...jsonFlag('print the rows as JSON instead of Markdown tables'),
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run bench -- [options]

Measures requests/s, p50/p99 latency and CPU time per request of our load generator (closed
loop), autocannon and wrk, one after the other, against the fixture app directly and/or through
nginx (scenario keepalive-60s). Then runs our open model against the app at each --open-rates
rate, with each pacing (poll, timer): achieved against asked rate, how late requests went out
(start - due time), and CPU per request.

${helpLines(BENCH_FLAGS, 26)}

CPU is user+sys time of the generator's process (ours, autocannon: this process, whose main
thread only waits; wrk: its own process) over the measured seconds, per request sent.
autocannon reports latency in whole milliseconds (truncated); wrk and ours are finer.`;
const WARMUP_S = 1; // unmeasured, before each measurement: JIT, connections, nginx workers
const FIXTURE = fileURLToPath(new URL('../harness/stack/fixture/app.mjs', import.meta.url));

interface Measure { rps: number; p50Ms: number; p99Ms: number; errors: number; seconds: number; cpuUsPerRequest: number }
type Pacing = 'poll' | 'timer';
interface OpenRow { pacing: Pacing; target: string; connections: number; duration: number; askedRps: number; sentRps: number; okRps: number; lagP50Ms: number; lagP99Ms: number; lagP999Ms: number; lagMaxMs: number; cpuUsPerRequest: number; stalls: number; errors: number }
interface Row extends Partial<Measure> { tool: string; target: string; connections: number; duration: number; note?: string }
/** A measured run after `warmupS` unmeasured seconds; a string says why there is no measure. */
type Tool = (url: string, connections: number, warmupS: number, seconds: number, signal: AbortSignal) => Promise<Measure | string>;

// autocannon ships no types; this is the slice of its API we use.
interface AutocannonResult { requests: { total: number }; latency: { p50: number; p99: number }; duration: number; errors: number; non2xx: number }
type Autocannon = (opts: object, cb: (err: Error | null, res: AutocannonResult) => void) => { stop(): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// Bad input: exitOnError prints the message alone and exits 2.
const usage = (message: string) => new CannotMeasure(`${message} (see --help)`);

function parseFlags(argv: string[]) {
  const { values } = parseCommandLine({ args: argv, strict: true, allowPositionals: false, options: parserOptions(BENCH_FLAGS) });
  const whole = (flag: string, v: string, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw usage(`--${flag} ${v}: expected a whole number from 1 to ${max}`);
    return n;
  };
  const [target, rates] = [values.target!, values['open-rates']!]; // both have defaults
  if (!['app', 'nginx', 'both'].includes(target)) throw usage(`--target ${target}: expected app, nginx or both`);
  const openRates = ['', 'none'].includes(rates) ? [] : rates.split(',').map((v) => whole('open-rates', v.trim(), 1_000_000));
  return {
    openRates,
    targets: target === 'both' ? ['app', 'nginx'] : [target],
    connections: whole('connections', values.connections!, 10_000),
    duration: wholeSeconds(values.duration!),
    json: values.json, help: values.help,
  };
}

/** The shared duration rule; wrk's -d takes whole seconds, so every tool measures whole seconds. */
function wholeSeconds(v: string): number {
  let msValue: number;
  try {
    msValue = durationFlag('duration', v, 1000, 600_000);
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (msValue % 1000 !== 0) throw usage(`--duration ${v}: the benchmark measures whole seconds (wrk's -d), e.g. ${Math.max(1, Math.round(msValue / 1000))}s`);
  return msValue / 1000;
}

const percentile = (sorted: Float64Array, q: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] : NaN);

const CLOSED = { rate: 0, rampFromRate: 0, rampMs: 0, arrivals: 'constant', seed: 1 } as const;
const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system;

/** Our generator, closed loop or open model; the measured window starts after the warm-up. */
async function runOurs(url: string, connections: number, warmupS: number, seconds: number, signal: AbortSignal, open?: { rate: number; pacing: Pacing }) {
  const load = await startLoad({
    url, connections, timeoutMs: 5000, clientKeepAlive: true, successMin: 200, successMax: 399,
    model: open ? 'open' : 'closed', arrivals: { ...CLOSED, rate: open?.rate ?? 0 }, pacing: open?.pacing ?? 'poll', threads: 1,
    maxDurationMs: (warmupS + seconds) * 1000 + 30_000, maxRequests: 100_000_000, // the worker's own bounds
  });
  await sleep(warmupS * 1000, undefined, { signal }).catch(() => {}); // Ctrl-C: stop early
  const cpu0 = process.cpuUsage();
  await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
  const cpu = cpuUs(process.cpuUsage(cpu0));
  const { records: r, stalls } = await load.stop();
  const from = warmupS * 1e6; // µs since the load origin
  const to = Math.min(from + seconds * 1e6, usSince(load.originNs));
  return { r, stalls, from, to, cpu };
}

// Warm-up inside the same worker: a worker thread has its own JIT, so a separate warm-up run
// would warm the target but not our client.
const ours: Tool = async (url, connections, warmupS, seconds, signal) => {
  const { r, from, to, cpu } = await runOurs(url, connections, warmupS, seconds, signal);
  const latencyUs: number[] = [];
  let errors = 0;
  for (let i = 0; i < r.count; i++) {
    if (r.start[i] < from || r.start[i] >= to) continue;
    latencyUs.push(r.end[i] - r.start[i]);
    if (r.outcome[i] !== 0) errors++;
  }
  const sorted = Float64Array.from(latencyUs).sort();
  const span = (to - from) / 1e6;
  return { rps: sorted.length / span, p50Ms: percentile(sorted, 0.5) / 1000, p99Ms: percentile(sorted, 0.99) / 1000, errors, seconds: span, cpuUsPerRequest: cpu / sorted.length };
};

/** The open model at `rate`: what went out in the measured window, and how late. */
async function openAccuracy(url: string, connections: number, seconds: number, rate: number, pacing: Pacing, signal: AbortSignal): Promise<Omit<OpenRow, 'target' | 'connections' | 'duration'>> {
  const { r, stalls, from, to, cpu } = await runOurs(url, connections, WARMUP_S, seconds, signal, { rate, pacing });
  const lagUs: number[] = [];
  let ok = 0;
  let errors = 0;
  for (let i = 0; i < r.count; i++) {
    if (r.start[i] < from || r.start[i] >= to) continue;
    lagUs.push(r.start[i] - r.scheduled[i]);
    if (r.outcome[i] === 0) ok++;
    else errors++;
  }
  const lag = Float64Array.from(lagUs).sort();
  const span = (to - from) / 1e6;
  return {
    pacing, askedRps: rate, sentRps: lag.length / span, okRps: ok / span,
    lagP50Ms: percentile(lag, 0.5) / 1000, lagP99Ms: percentile(lag, 0.99) / 1000, lagP999Ms: percentile(lag, 0.999) / 1000, lagMaxMs: lag[lag.length - 1] / 1000,
    cpuUsPerRequest: cpu / lag.length, stalls: stalls.filter((x) => x.atUs >= from && x.atUs < to).length, errors,
  };
}

const cannonRun = (url: string, connections: number, seconds: number, signal: AbortSignal) =>
  new Promise<Measure>((resolve, reject) => {
    const cpu0 = process.cpuUsage();
    const run = autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 5 }, (err, res) => {
      signal.removeEventListener('abort', halt);
      if (err) return reject(err);
      const cpuUsPerRequest = cpuUs(process.cpuUsage(cpu0)) / res.requests.total;
      resolve({ rps: res.requests.total / res.duration, p50Ms: res.latency.p50, p99Ms: res.latency.p99, errors: res.errors + res.non2xx, seconds: res.duration, cpuUsPerRequest });
    });
    const halt = () => run.stop(); // it ends at its next 1 s sample
    signal.addEventListener('abort', halt, { once: true });
  });

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };
/** USER_HZ: /proc's CPU times are in these ticks; 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_S = 100;
const wrkRun = async (url: string, connections: number, seconds: number, signal: AbortSignal): Promise<Measure | string> => {
  const out: string[] = [];
  const child = spawnTracked('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  // Its CPU time, read from /proc while it runs (an exited process's is gone): the last reading
  // misses at most one interval of its run, under 1 % of it.
  let cpuTicks = NaN;
  const cpuWatch = setInterval(() => {
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuTicks = Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // exited
    }
  }, 20);
  const ended = await new Promise<string | null>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ENOENT' ? 'wrk not installed (apt-get install -y wrk)' : `wrk: ${e.message}`));
    child.stdout!.on('data', (d) => out.push(String(d)));
    child.stderr!.on('data', (d) => out.push(String(d)));
    child.once('close', (code) => resolve(code === 0 ? null : `wrk exited ${code}`));
    // wrk stops itself after -d; these bound the wait if it does not, and honour Ctrl-C.
    const bound = setTimeout(() => void stopChild(child, 'SIGKILL'), seconds * 1000 + 15_000);
    child.once('close', () => clearTimeout(bound));
    signal.addEventListener('abort', () => void stopChild(child, 'SIGINT'), { once: true });
  });
  clearInterval(cpuWatch);
  const text = out.join('');
  if (ended) return ended;
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  const latency = (pct: string) => {
    const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
    return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + (num(/Non-2xx or 3xx responses: (\d+)/) || 0);
  const requests = num(/(\d+) requests in/);
  const cpuUsPerRequest = (cpuTicks * 1e6) / CLOCK_TICKS_PER_S / requests;
  return { rps: num(/Requests\/sec:\s+([\d.]+)/), p50Ms: latency('50'), p99Ms: latency('99'), errors, seconds: num(/requests in ([\d.]+)s/), cpuUsPerRequest };
};

// autocannon and wrk: the warm-up is a separate run of the same tool, its result discarded.
const warmedUp = (run: typeof wrkRun): Tool => async (url, connections, warmupS, seconds, signal) => {
  const warm = await run(url, connections, warmupS, signal);
  return typeof warm === 'string' || signal.aborted ? warm : run(url, connections, seconds, signal);
};
const TOOLS: [string, Tool][] = [['ours', ours], ['autocannon', warmedUp(cannonRun)], ['wrk', warmedUp(wrkRun)]];

/** Starts a target; returns its URL and how to stop it. */
async function openTarget(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (target === 'nginx') {
    const scenario = resolveScenario('keepalive-60s');
    const stack = await startLocalStack(scenario);
    return { url: `http://127.0.0.1:${stack.proxy.port}${scenario.load.path}`, close: () => stack.stop() };
  }
  const child = spawnTracked(process.execPath, [FIXTURE, '--colour', 'blue', '--port', '0']);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { listening: number }).listening);
      });
      child.once('exit', (code) => reject(new Error(`fixture exited (code ${code}) before listening`)));
      setTimeout(() => reject(new Error('fixture did not listen within 5 s')), 5000).unref();
    });
    return { url: `http://127.0.0.1:${port}/`, close: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

const fmt = (v: number | undefined, digits: number) =>
  v === undefined || Number.isNaN(v) ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const markdown = (head: string[], lines: string[][]) =>
  [head, head.map((_, i) => (i < 2 ? '---' : '---:')), ...lines].map((c) => `| ${c.join(' | ')} |`).join('\n');

const table = (rows: Row[]) =>
  markdown(
    ['tool', 'target', 'connections', 'duration', 'requests/s', 'p50 ms', 'p99 ms', 'CPU µs/request', 'errors'],
    rows.map((r) => [r.tool, r.target, String(r.connections), `${r.duration} s`, fmt(r.rps, 0), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(r.cpuUsPerRequest, 1), r.note ?? fmt(r.errors, 0)]),
  );

const openTable = (rows: OpenRow[]) =>
  markdown(
    ['model', 'pacing', 'target', 'connections', 'asked req/s', 'sent req/s', 'sent / asked', 'late p50 ms', 'late p99 ms', 'late p99.9 ms', 'late max ms', 'CPU µs/request', 'stalls >= 1 ms', 'errors'],
    rows.map((r) => ['open', r.pacing, r.target, String(r.connections), fmt(r.askedRps, 0), fmt(r.sentRps, 0), `${fmt((100 * r.sentRps) / r.askedRps, 2)} %`, fmt(r.lagP50Ms, 3), fmt(r.lagP99Ms, 3), fmt(r.lagP999Ms, 3), fmt(r.lagMaxMs, 3), fmt(r.cpuUsPerRequest, 1), fmt(r.stalls, 0), fmt(r.errors, 0)]),
  );

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) return print(HELP);
  // As every command stops: a second signal exits at once, and the exit hook kills every child.
  const abort = stopOnSignals({ clear() {} }, 'ending the current tool and stopping the target…');
  const rows: Row[] = [];
  const openRows: OpenRow[] = [];
  try {
    for (const target of flags.targets) {
      if (abort.signal.aborted) break;
      const { url, close } = await openTarget(target);
      try {
        for (const [tool, run] of TOOLS) {
          if (abort.signal.aborted) break;
          process.stderr.write(`${tool} → ${target} (${url}): warm-up ${WARMUP_S} s, then ${flags.duration} s\n`);
          const m = await run(url, flags.connections, WARMUP_S, flags.duration, abort.signal);
          const row: Row = { tool, target, connections: flags.connections, duration: flags.duration };
          rows.push(typeof m === 'string' ? { ...row, note: m } : { ...row, ...m, note: abort.signal.aborted ? 'interrupted' : undefined });
        }
      } finally {
        await close();
      }
    }
    if (flags.openRates.length && !abort.signal.aborted) {
      const { url, close } = await openTarget('app');
      try {
        for (const rate of flags.openRates) {
          for (const pacing of ['poll', 'timer'] as const) {
            if (abort.signal.aborted) break;
            process.stderr.write(`ours, open model at ${rate} req/s (${pacing}) → app (${url}): warm-up ${WARMUP_S} s, then ${flags.duration} s\n`);
            const m = await openAccuracy(url, flags.connections, flags.duration, rate, pacing, abort.signal);
            openRows.push({ target: 'app', connections: flags.connections, duration: flags.duration, ...m });
          }
        }
      } finally {
        await close();
      }
    }
  } finally {
    // Print whatever was measured, also after Ctrl-C or an error.
    if (flags.json) process.stdout.write(`${JSON.stringify({ node: process.version, cpus: cpus().length, warmupS: WARMUP_S, rows, openRows })}\n`);
    else {
      if (rows.length) process.stdout.write(`${table(rows)}\n`);
      if (openRows.length) process.stdout.write(`\n${openTable(openRows)}\n`);
    }
  }
  return abort.exitCode ?? 0;
}

main().then((code) => process.exit(code), exitOnError);
