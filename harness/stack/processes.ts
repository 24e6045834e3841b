// Every child process the harness starts goes through here, so that success, failure, an
// exception or Ctrl-C all end the same way: nothing left running.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();

/**
 * Children get their own process group (`detached`): a terminal's Ctrl-C then reaches the
 * harness alone, which stops the load first and the stack after, instead of the stack dying
 * under the load and polluting the records.
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

export const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Resolves when the child has exited; SIGKILLs its whole group if it takes longer than `graceMs`. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (!isRunning(child) || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, signal);
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  return exited.finally(() => clearTimeout(timer));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Last resort, synchronous so it also runs from process.on('exit'). */
export function killAllNow(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
  live.clear();
}

process.on('exit', killAllNow);

/**
 * Run a command to completion and collect its output (nginx -t, nginx -s reload, nginx -v).
 * A command that hangs is killed after `timeoutMs` and reported as failed.
 */
export function runCommand(
  command: string,
  args: string[],
  timeoutMs = 15_000,
): Promise<{ code: number; stdout: string; stderr: string; exitedNs: bigint }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    let exitedNs = 0n;
    child.once('exit', () => (exitedNs = process.hrtime.bigint()));
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 1, stdout, stderr: signal ? `${stderr}(killed: no answer within ${timeoutMs} ms)` : stderr, exitedNs }),
    );
  });
}
