// Who owns what a run leaves on the machine: a process named by its pid and its start time, so
// that a pid reused by another process after a crash does not pass for the harness that made it.
import { readFileSync } from 'node:fs';

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); null when unknown or gone. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether `pid` still runs and is the process that started at `started` (null: start unknown). */
export function ownerRuns(pid: number, started: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return started === null || processStart(pid) === started;
}
