// Shared by the integration tests: run the real CLI, and find processes the harness started.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
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
  // Other checkouts on a shared machine run their own harness: a master counts when the process
  // that started it works in this checkout (or it was orphaned).
  const ours = (pid: number) => pid === 1 || cwdOf(pid)?.startsWith(ROOT.replace(/\/$/, '')) === true;
  const masters = new Set(all.filter((p) => p.cmdline.includes('downtime-nginx-') && ours(p.ppid)).map((p) => p.pid));
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
