// Shared by the integration tests: run the real CLI, and find processes the harness started.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run scenario -- ...args` the way npm does (node --import tsx), one process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/cli/scenario.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, result };
}

export const runCli = (args: string[], env?: NodeJS.ProcessEnv) => startCli(args, env).result;

interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') out.push({ pid: Number(entry), ppid: Number(ppid), cmdline }); // a zombie is already dead
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/**
 * Processes a harness run started: nginx masters with the harness's prefix, their workers (or
 * orphaned nginx workers), and this checkout's app fixtures. A system nginx does not count.
 * Tests run one file at a time, so any found after a run is a leak.
 */
export function harnessProcesses(): string[] {
  const all = processes();
  const masters = new Set(all.filter((p) => p.cmdline.includes('downtime-nginx-')).map((p) => p.pid));
  const fixture = `${ROOT}harness/stack/fixture/app.mjs`;
  return all
    .filter(
      (p) =>
        masters.has(p.pid) ||
        (p.cmdline.startsWith('nginx: worker process') && (masters.has(p.ppid) || p.ppid === 1)) ||
        p.cmdline.includes(fixture),
    )
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
