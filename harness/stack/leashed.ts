// A proxy's process run on the leash (leash.mjs): in the foreground, in its own process group,
// and stopped with its whole group however the harness ends, SIGKILL included.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CannotMeasure } from '../errors.ts';
import { isRunning, spawnTracked, stopChild } from './processes.ts';

const LEASH = fileURLToPath(new URL('./leash.mjs', import.meta.url));

export interface Leashed {
  /** the command's own pid, once it has started */
  pid: Promise<number>;
  /** rejects, with the command's output, if it exits while this is awaited (during start-up) */
  exited: Promise<never>;
  running(): boolean;
  /** what it wrote to stderr (and stdout), for messages */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `name` is how messages call it; `onUnexpectedExit` hears of an exit that stop() did not ask
 * for; `remove` is a directory the leash deletes when the command is gone.
 */
export function spawnLeashed(
  name: string,
  command: string,
  args: string[],
  options: { remove?: string; env?: NodeJS.ProcessEnv; onUnexpectedExit?: (why: string) => void } = {},
): Leashed {
  const leash: ChildProcess = spawnTracked(process.execPath, [LEASH, ...(options.remove ? ['--remove', options.remove] : []), '--', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env,
  });
  let output = '';
  let stopping = false;
  leash.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  let out = '';
  const pid = new Promise<number>((resolve) =>
    leash.stdout!.on('data', (d) => {
      if (out.includes('\n')) return void (output = (output + d).slice(-20_000));
      out += d;
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { pid: number }).pid);
    }),
  );
  const exited = new Promise<never>((_, reject) =>
    leash.once('exit', (code) => {
      if (!stopping) options.onUnexpectedExit?.(`${name} exited unexpectedly (code ${code}): ${output.trim().split('\n').pop() || 'no output'}`);
      reject(new CannotMeasure(`${name} exited (code ${code}) while starting:\n${output.trim() || '(no output)'}`));
    }),
  );
  exited.catch(() => {});
  return {
    pid,
    exited,
    running: () => isRunning(leash),
    output: () => output,
    async stop() {
      stopping = true;
      if (isRunning(leash)) await stopChild(leash, 'SIGTERM');
      else if (leash.pid) {
        // The leash itself was killed: the command may still run in its process group.
        try {
          process.kill(-leash.pid, 'SIGKILL');
        } catch {
          // the group is empty
        }
      }
    },
  };
}

/**
 * What every proxy run on the leash shares (nginx, HAProxy, Caddy): its process, how it ends
 * unexpectedly, and how it is stopped.
 */
export abstract class LeashedProxy {
  protected leashed: Leashed | null = null;
  private end: (why: string) => void = () => {};
  /** Resolves, with what happened, if it exits without stop() being called. */
  readonly ended = new Promise<string>((resolve) => (this.end = resolve));

  /** Starts `command` on the leash; an exit that stop() did not ask for resolves `ended`. */
  protected leash(name: string, command: string, args: string[], options: { remove?: string; env?: NodeJS.ProcessEnv } = {}): Leashed {
    this.leashed = spawnLeashed(name, command, args, { ...options, onUnexpectedExit: (why) => this.end(why) });
    return this.leashed;
  }

  async stop(): Promise<void> {
    await this.leashed?.stop();
    this.leashed = null;
  }
}
