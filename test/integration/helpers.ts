// Shared by the integration tests: run the real CLI, and find processes the harness started.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * Processes that belong to a harness run: nginx masters with the harness's prefix, any nginx
 * worker, and app fixtures. Tests run one file at a time, so any found after a run is a leak.
 */
export function harnessProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    let state = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0] ?? '';
    } catch {
      continue; // exited while we looked
    }
    if (state === 'Z') continue; // a zombie is already dead, waiting for its parent to reap it
    if (/downtime-nginx-|nginx: worker process|nginx: master process|fixture\/app\.mjs/.test(cmdline)) found.push(`${entry} ${cmdline}`);
  }
  return found;
}
