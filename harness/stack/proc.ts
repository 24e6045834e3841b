// Watching processes: which workers an nginx master has right now. Reads /proc on Linux (small
// files, cheap enough to poll every few ms); elsewhere asks pgrep and kill(pid, 0).
import { readFile } from 'node:fs/promises';
import { runCommand } from './processes.ts';

export async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return parsePids(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return [];
    const { stdout } = await runCommand('pgrep', ['-P', String(pid)]);
    return parsePids(stdout);
  }
}

const parsePids = (text: string) =>
  text
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);

/** `pid` exists, has not exited (not a zombie) and is still `parent`'s child (not a reused pid). */
export async function isLiveChild(pid: number, parent: number): Promise<boolean> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return false;
    return signalZero(pid);
  }
  // After the ")" closing the command name: state, ppid, ...
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state !== 'Z' && state !== 'X' && Number(ppid) === parent;
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
