// Ctrl-C, SIGTERM and SIGHUP stop a run the same way: the first one aborts (the run stops its
// load, then its stack, and what was measured is written); a second one exits at once, and the
// exit handler in stack/processes.ts kills every child. Children run in their own process
// group, so without these handlers a signal would end the harness and leave nginx behind.
const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export interface StopOnSignals {
  /** aborted at the first signal: hand it to runScenario */
  signal: AbortSignal;
  /** the exit code of the signal that stopped the command, null while none has */
  readonly exitCode: number | null;
}

/** `progress` is cleared and `message` said on stderr at the first signal. */
export function stopOnSignals(progress: { clear(): void }, message: string): StopOnSignals {
  const abort = new AbortController();
  let exitCode: number | null = null;
  for (const [signal, code] of Object.entries(CODES)) {
    process.on(signal, () => {
      if (exitCode !== null) process.exit(code);
      exitCode = code;
      progress.clear();
      process.stderr.write(`stopping: ${message}\n`);
      abort.abort();
    });
  }
  return {
    signal: abort.signal,
    get exitCode() {
      return exitCode;
    },
  };
}
