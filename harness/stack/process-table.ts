// Watching processes: which workers an nginx master has right now. Reads /proc on Linux (small
// files, cheap enough to poll every few ms); elsewhere asks pgrep and kill(pid, 0).
import { readdir, readFile, readlink } from 'node:fs/promises';
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

/**
 * Whether `pid` holds the socket listening on 127.0.0.1:port (Linux: /proc/net/tcp's inode
 * among the process's file descriptors). Elsewhere there is no such check: true.
 */
export async function listensOn(pid: number, port: number): Promise<boolean> {
  let table: string;
  try {
    table = await readFile('/proc/net/tcp', 'utf8');
  } catch {
    return true;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[3] === '0A') inodes.add(f[9]); // 0A: LISTEN
  }
  if (inodes.size === 0) return false;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (inodes.has(/^socket:\[(\d+)\]$/.exec(link)?.[1] ?? '')) return true;
  }
  return false;
}
