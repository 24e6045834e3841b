// Your own deploy step as a switch (--switch-cmd): a shell command, run once per switch with what
// it needs in environment variables. Its output is kept; a non-zero exit or a command that
// outlives its timeout fails the run (exit 2), and its whole process group is stopped.
import { CannotMeasure } from '../errors.ts';
import { spawnTracked, stopChild } from '../stack/processes.ts';

export interface SwitchCommand {
  command: string;
  timeoutMs: number;
  /** receives the command's output, labelled, for switch-command.log */
  output: (text: string) => void;
}

/**
 * The scenario's switch command, if it has one, and its output so far as switch-command.log:
 * one log for every switch of the run.
 */
export function switchCommandOf(switches: { command?: string; commandTimeoutMs: number }): {
  command?: SwitchCommand;
  files(): Record<string, string>;
} {
  if (!switches.command) return { files: () => ({}) };
  const output: string[] = [];
  return {
    command: { command: switches.command, timeoutMs: switches.commandTimeoutMs, output: (t) => output.push(t) },
    files: () => ({ 'switch-command.log': output.join('') }),
  };
}

/** Runs the command through `sh -c`; resolves when it exits 0. */
export async function runSwitchCommand(cmd: SwitchCommand, env: Record<string, string>, label: string): Promise<void> {
  cmd.output(`--- ${label}: ${cmd.command}\n`);
  const child = spawnTracked('sh', ['-c', cmd.command], { env: { ...process.env, ...env } });
  child.stdout!.on('data', (d) => cmd.output(String(d)));
  child.stderr!.on('data', (d) => cmd.output(String(d)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child, 'SIGTERM', 2000);
  }, cmd.timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      cmd.output(`${err.message}\n`);
      resolve(127);
    });
    child.once('exit', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  cmd.output(`--- ${label}: ${timedOut ? `stopped after ${cmd.timeoutMs} ms` : `exit ${code}`}\n`);
  if (timedOut) {
    throw new CannotMeasure(`the switch command (${cmd.command}) did not finish within ${cmd.timeoutMs} ms (switches.commandTimeoutMs); its output is in switch-command.log`);
  }
  if (code !== 0) throw new CannotMeasure(`the switch command (${cmd.command}) exited with ${code}; its output is in switch-command.log`);
}
