// Ctrl-C, SIGTERM and SIGHUP stop a run the same way: the first one aborts (the run stops its
// load, then its stack, and what was measured is written); a second one exits at once, and the
// exit handler in stack/processes.ts kills every child. Children run in their own process
// group, so without these handlers a signal would end the harness and leave nginx behind.
const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export function stopOnSignals(onStop: () => void): { readonly exitCode: number | null } {
  const state = { exitCode: null as number | null };
  for (const [signal, code] of Object.entries(CODES)) {
    process.on(signal, () => {
      if (state.exitCode !== null) process.exit(code);
      state.exitCode = code;
      onStop();
    });
  }
  return state;
}
