// Watching processes: which workers an nginx master has right now. Reads /proc on Linux (one
// small file, cheap enough to poll every few ms); elsewhere asks pgrep.
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
