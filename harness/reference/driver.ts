// A real client library's load behind the same handle as the harness's own (RunningLoad), so a
// run with it goes through the same stack, the same switches and the same analysis. Each client
// is a small program in its own language (programs/), declared by one file in drivers/: its
// name, how to install it, the command that runs it, and how its library's errors map to the
// failure codes. The program shares nothing with our load but the clock.
//
// Protocol, one JSON value per line. `<command> --version` prints the library and its version
// and exits 0, or exits non-zero when the library is missing. `<command> <settings JSON>` writes
// {"ready":true}, reads "go <originNs>" and later "stop" on stdin, writes one array per request
// (at the end, or as each ends): [scheduled, start, end, status, kind, conn, reused, colour], times
// in µs since the origin on the shared CLOCK_MONOTONIC, status 0 and kind the library's error
// when there was no response, conn the connection where the library says (else the user), reused
// that it had served before; and {"done":true} last, after "stop" or on its own once maxRequests
// or maxDurationMs is reached.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { nowNs } from '../clock.ts';
import { CannotMeasure } from '../errors.ts';
import type { LoadClientInfo, LoadProgress, RunningLoad } from '../load/generator.ts';
import type { LoadOptions } from '../load/messages.ts';
import { OUTCOME, RecordWriter } from '../records/records.ts';
import type { Override } from '../scenario/resolve.ts';
import { runCommand, spawnTracked, stopChild } from '../stack/processes.ts';

export interface ClientDriver {
  /** what --reference names it by */
  name: string;
  /** the library, in words: "Python requests (Session)" */
  library: string;
  /** how to install it: the command */
  install: string;
  /** whether `npm run setup` (--with-clients) installs it: under CI its test then fails when it is missing, rather than skipping */
  installedBySetup: boolean;
  /** the program's file under harness/reference/programs/ */
  program: string;
  /** the command line that runs the program at `path` (settings follow); throws when it cannot be built */
  command(path: string): Promise<string[]>;
  /** the library's error kinds, as the program names them, to failure codes (records/failure-codes.ts); others are recorded as named */
  codes: Record<string, string>;
  /** the cross-check's shape (calibrate --cross-check --reference <name>) */
  crossCheck: { scenario: string; overrides?: Override[] };
}

/** What every program is given: one shape for every client. */
export interface DriverSettings {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** none: no body */
  body?: string;
  /** users, each with its own keep-alive connection (its own session, client or handle) */
  connections: number;
  /** > 0: the users share this many requests a second, each on its own schedule; 0: each waits idleMs after a response */
  rate: number;
  idleMs: number;
  timeoutMs: number;
  maxDurationMs: number;
  maxRequests: number;
  colourHeader: string;
}

/** Debian's python3, where its python3-* packages are (a python3 earlier on PATH, e.g. pyenv's, lacks them); PYTHON overrides. */
export const python3 = () => process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export const programPath = (driver: ClientDriver) => fileURLToPath(new URL(`./programs/${driver.program}`, import.meta.url));

/** The library and its version, or null when it is not installed. */
export async function driverVersion(driver: ClientDriver): Promise<LoadClientInfo | null> {
  const command = await driver.command(programPath(driver)).catch(() => null);
  if (!command) return null;
  const out = await runCommand(command[0], [...command.slice(1), '--version'], 15_000).catch(() => null);
  const words = out?.code === 0 ? out.stdout.trim() : '';
  return words ? { name: driver.name, version: words } : null;
}

export const notInstalled = (driver: ClientDriver) => `${driver.name} not measured: ${driver.library} is not installed; install with: ${driver.install}`;

/** The harness's load options in the programs' shape: the open model's rate, or the closed loop with no idle time. */
export function driverSettings(options: LoadOptions): DriverSettings {
  if (options.http2 || options.url.startsWith('https:')) throw new CannotMeasure('the client drivers speak plain HTTP/1.1');
  return {
    url: options.url,
    method: options.request?.method ?? 'GET',
    headers: options.request?.headers ?? {},
    body: options.request?.body,
    connections: options.connections,
    rate: options.model === 'open' ? options.arrivals.rate : 0,
    idleMs: 0,
    timeoutMs: options.timeoutMs,
    maxDurationMs: options.maxDurationMs,
    maxRequests: options.maxRequests,
    colourHeader: options.colourBy?.header ?? 'x-served-by',
  };
}

type Row = [scheduled: number, start: number, end: number, status: number, kind: string, conn: number, reused: 0 | 1, colour: number];

/** A run's load (its LoadOptions) made by a real client: the cross-check's hook. */
export const startDriverLoad = (driver: ClientDriver, options: LoadOptions) =>
  startDriver(driver, driverSettings(options), { min: options.successMin, max: options.successMax });

/** Runs the driver's program at `settings`; statuses in `success` are ok. */
export async function startDriver(driver: ClientDriver, settings: DriverSettings, success: { min: number; max: number }): Promise<RunningLoad> {
  const client = await driverVersion(driver);
  if (!client) throw new CannotMeasure(notInstalled(driver));
  const command = await driver.command(programPath(driver));
  const child = spawnTracked(command[0], [...command.slice(1), JSON.stringify(settings)], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => {}); // it may have ended on its own bound before "stop"
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const records = new RecordWriter();
  const progress: LoadProgress = { requests: 0, failed: 0 };
  let resolveReady!: () => void;
  let resolveDone!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const done = new Promise<void>((r) => (resolveDone = r));
  let finished = false;
  let stopping = false;
  // 'close', not 'exit': every line it wrote has been read by then.
  const exited = new Promise<never>((_, reject) =>
    child.once('close', (code) => {
      if (!finished) reject(new CannotMeasure(`the ${driver.name} driver exited (code ${code}): ${stderr.trim() || 'no output'}`));
    }),
  );
  exited.catch(() => {});
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const value = JSON.parse(line) as Row | { ready?: true; done?: true };
    if (Array.isArray(value)) {
      const [scheduled, start, end, status, kind, conn, reused, colour] = value;
      const ok = kind === '' && status >= success.min && status <= success.max;
      const outcome = ok ? OUTCOME.ok : kind ? OUTCOME.transportError : OUTCOME.httpError;
      records.push({ scheduled, start, end, outcome, status, errorCode: kind ? (driver.codes[kind] ?? kind) : '', conn: Math.max(0, conn), reused: reused === 1, colour });
      progress.requests++;
      if (!ok) progress.failed++;
    } else if (value.ready) resolveReady();
    else if (value.done) {
      finished = true;
      resolveDone();
    }
  });
  try {
    await Promise.race([ready, exited]);
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    throw err;
  }
  const originNs = nowNs();
  child.stdin!.write(`go ${originNs}\n`);
  const reachedBound = done.then(() => (stopping ? new Promise<string>(() => {}) : `the ${driver.name} driver reached its bound (${settings.maxRequests} requests or ${settings.maxDurationMs} ms)`));
  return {
    originNs,
    progress,
    endedEarly: Promise.race([reachedBound, exited.catch((err: Error) => err.message)]),
    client,
    async stop() {
      stopping = true;
      if (!finished) child.stdin!.write('stop\n');
      await Promise.race([done, exited]);
      await stopChild(child);
      return { records: records.finish(), stalls: [], unsent: 0, hidden: [] };
    },
  };
}
