// Shared by the integration tests: run the real CLI or a shortened scenario, and find processes
// the harness started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import type { LoadOptions } from '../../harness/load/messages.ts';
import { runPlanned } from '../../harness/run/plans.ts';
import { analyzeRun } from '../../harness/run/store.ts';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';
import { fixtureJson } from '../../harness/stack/apps.ts';
import { commandArgs } from '../command.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run scenario -- ...args` as one process: the command's build in dist/ (test/command.ts). */
export const startCli = (args: string[], env: NodeJS.ProcessEnv = {}) => startScript('harness/cli/scenario.ts', args, env);

export const runCli = (args: string[], env?: NodeJS.ProcessEnv) => startCli(args, env).result;

/** Runs one of the harness's scripts (harness/cli/measure.ts, …) as npm does, under CI=true. */
export function startScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, commandArgs(script, args), {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, result: outputOf(child) };
}

/** The same, waited for: its exit status and output (spawnSync's), at most two minutes. */
export const runScriptSync = (script: string, args: string[]) =>
  spawnSync(process.execPath, commandArgs(script, args), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000 });

/** What a child started with piped stdout and stderr printed, and its exit code, once it has closed. */
export function outputOf(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
  /** what its file descriptors point at */
  files: string[];
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // a zombie is already dead
      const files = cmdline.startsWith('nginx: worker') ? openFiles(entry) : [];
      out.push({ pid: Number(entry), ppid: Number(ppid), cmdline, files });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function openFiles(pid: string): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

/**
 * Processes this test suite's runs started: nginx masters with a harness prefix in the suite's
 * TMPDIR (test/global-setup.ts), their workers (or orphaned workers still holding that prefix's
 * logs open), and this checkout's fixtures and watchers. A system nginx, or another checkout's
 * tests running at the same time, do not count. Tests run one file at a time, so any found
 * after a run is a leak.
 */
/**
 * Whether a command line runs one of the harness's own programs (the fixture app, nginx's leash,
 * a command): from the sources, or from the build in dist/ the tests start commands from.
 */
export const runsHarnessProgram = (cmdline: string) => [`${ROOT}harness/stack/`, `${ROOT}dist/`].some((at) => cmdline.includes(at));

export function harnessProcesses(): string[] {
  const all = processes();
  const prefix = join(tmpdir(), 'downtime-nginx-');
  const masters = new Set(all.filter((p) => p.cmdline.includes(prefix)).map((p) => p.pid));
  return all
    .filter((p) => masters.has(p.pid) || masters.has(p.ppid) || p.files.some((f) => f.startsWith(prefix)) || runsHarnessProgram(p.cmdline))
    .map((p) => `${p.pid} ${p.cmdline}`);
}

/**
 * A test file's HTTP server: `listen` starts one on a free 127.0.0.1 port that keeps client
 * connections alive for a minute; it is closed after each test (or by `close`).
 */
export function testHttpServer(): { listen(handler: RequestListener): Promise<number>; close(): Promise<void> } {
  let server: Server | null = null;
  const close = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (s) s.close(() => resolve());
      else resolve();
    });
  afterEach(close);
  return {
    close,
    listen(handler) {
      server = createServer(handler);
      server.keepAliveTimeout = 60_000;
      return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
    },
  };
}

/** Load options for a test: a small closed loop on one thread, bounded in count and time; `o` overrides. */
export const loadOptions = (url: string, o: Partial<LoadOptions>): LoadOptions => ({
  url,
  connections: 2,
  timeoutMs: 2000,
  clientKeepAlive: true,
  successMin: 200,
  successMax: 399,
  maxDurationMs: 10_000,
  maxRequests: 50,
  model: 'closed',
  pacing: 'timer',
  arrivals: { rate: 0, rampFromRate: 0, rampMs: 0, arrivals: 'constant', seed: 1 },
  threads: 1,
  ...o,
});

/** A test's run of a scenario: `duration` of load with `switches` in it, then `sets` (`field=value`). */
export interface TestRun {
  duration: string;
  switches: number;
  /** default 2s */
  cooldown?: string;
  sets?: string[];
}

/**
 * Runs a scenario for real, shortened to a TestRun (1 s of warm-up); checks it ran and left
 * nothing running, and analyses it as its report does.
 */
export async function measureScenario(name: string, { duration, switches, cooldown = '2s', sets = [] }: TestRun) {
  const overrides = [`load.durationMs=${duration}`, 'load.warmupMs=1s', `load.cooldownMs=${cooldown}`, `switches.count=${switches}`, ...sets];
  const scenario = resolveScenario(name, overrides.map(parseOverride));
  const run = await runPlanned(scenario);
  expect(run.meta.error).toBeNull();
  expect(harnessProcesses()).toEqual([]);
  return { run, a: analyzeRun(run.records, run.disruptions, scenario, run.loadStalls, run.hiddenFailures) };
}

/**
 * The fixture's first outage on 127.0.0.1:port, as the app ran it: its length, and the gap
 * between the last 200 it served before and the first after (NaN until one came), in ms.
 */
export async function firstOutage(port: number): Promise<{ outageMs: number; servedGapMs: number }> {
  const [o] = (await fixtureJson(port, '/__outages')) as { startNs: string; endNs: string; okBeforeNs: string; okAfterNs: string | null }[];
  const spanMs = (from: string, to: string) => Number(BigInt(to) - BigInt(from)) / 1e6;
  return { outageMs: spanMs(o.startNs, o.endNs), servedGapMs: o.okAfterNs === null ? Number.NaN : spanMs(o.okBeforeNs, o.okAfterNs) };
}
