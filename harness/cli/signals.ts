// Ctrl-C, SIGTERM and SIGHUP stop a run the same way: the first one aborts (the run stops its
// load, then its stack, and what was measured is written); a second one exits at once, and the
// exit handler in stack/processes.ts kills every child. Children run in their own process
// group, so without these handlers a signal would end the harness and leave nginx behind.
//
// Under `npm run` the script is exec'd by npm's shell (package.json), so npm is the parent and
// forwards SIGINT and SIGTERM to the harness: a CI cancel sent to npm reaches it. A Ctrl-C in a
// terminal then arrives twice, from the terminal to the whole process group and again from
// npm: the same signal again within FORWARDED_MS, under npm, is that copy, not a second Ctrl-C.
import { ranByNpmRun } from './command-line.ts';

const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Name = keyof typeof CODES;

/** How long after a signal npm's forwarded copy of it may arrive, on a busy machine. */
export const FORWARDED_MS = 1000;

export interface StopOnSignals {
  /** aborted at the first signal: hand it to runScenario */
  signal: AbortSignal;
  /** the exit code of the signal that stopped the command, null while none has */
  readonly exitCode: number | null;
}

/**
 * What a signal does, given the first one (if any) and when it came: stop (the first), exit
 * (a second one), or nothing (npm's copy of the first).
 */
export function onSignal(name: Name, first: { name: Name; atMs: number } | null, nowMs: number, npm: boolean): 'stop' | 'exit' | 'ignore' {
  if (first === null) return 'stop';
  const forwarded = npm && name === first.name && name !== 'SIGHUP' && nowMs - first.atMs < FORWARDED_MS;
  return forwarded ? 'ignore' : 'exit';
}

/** `progress` is cleared and `message` said on stderr at the first signal. */
export function stopOnSignals(progress: { clear(): void }, message: string): StopOnSignals {
  const abort = new AbortController();
  let first: { name: Name; atMs: number } | null = null;
  const npm = ranByNpmRun();
  for (const [name, code] of Object.entries(CODES) as [Name, number][]) {
    process.on(name, () => {
      const now = performance.now();
      const action = onSignal(name, first, now, npm);
      if (action === 'exit') process.exit(code);
      if (action === 'ignore') return;
      first = { name, atMs: now };
      progress.clear();
      process.stderr.write(`stopping: ${message}\n`);
      abort.abort();
    });
  }
  return {
    signal: abort.signal,
    get exitCode() {
      return first === null ? null : CODES[first.name];
    },
  };
}
