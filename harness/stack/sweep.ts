// Leftovers of an earlier run that was killed before it could clean up (SIGKILL of the harness
// and of nginx's leash together, a machine that lost power): removed at the start of the next
// run, by the harness's own marks only. Each driver brings its sweeper; the local one is here.
import { readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerRuns, processStart } from '../owner.ts';

export interface Sweeper {
  name: string;
  /** Removes what dead runs left; returns one line per thing removed. Never touches a live run's. */
  sweep(): Promise<string[]>;
}

/** Every local nginx prefix is a temp directory with this name, holding OWNER_FILE. */
export const NGINX_PREFIX = 'downtime-nginx-';
const OWNER_FILE = 'owner.json';

interface Owner {
  pid: number;
  /** the process's start time (/proc/<pid>/stat), so a reused pid is not taken for the owner */
  started: string | null;
}

/** Marks `dir` as this process's, for sweepers of later runs. */
export async function markOwner(dir: string): Promise<void> {
  const owner: Owner = { pid: process.pid, started: processStart(process.pid) };
  await writeFile(join(dir, OWNER_FILE), JSON.stringify(owner));
}

async function ownerAlive(dir: string): Promise<boolean> {
  let owner: Owner;
  try {
    owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    // No mark yet (a run between mkdtemp and markOwner) or not ours to judge: leave it.
    return true;
  }
  return ownerRuns(owner.pid, owner.started);
}

/** pids whose command line names `dir`, or that hold a file inside it open (nginx workers' logs). */
async function processesMarkedBy(dir: string): Promise<number[]> {
  const found: number[] = [];
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    let marked = cmdline.includes(dir);
    if (!marked) {
      for (const fd of await readdir(`/proc/${entry}/fd`).catch(() => [] as string[])) {
        if ((await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '')).startsWith(`${dir}/`)) {
          marked = true;
          break;
        }
      }
    }
    if (marked) found.push(Number(entry));
  }
  return found;
}

export const localSweeper: Sweeper = {
  name: 'local',
  async sweep() {
    const removed: string[] = [];
    const root = tmpdir();
    for (const name of await readdir(root).catch(() => [] as string[])) {
      if (!name.startsWith(NGINX_PREFIX)) continue;
      const dir = join(root, name);
      if (await ownerAlive(dir)) continue;
      for (const pid of await processesMarkedBy(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
          removed.push(`process ${pid}`);
        } catch {
          // exited meanwhile
        }
      }
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    }
    return removed;
  },
};

/** The sweepers run at the start of every run; a driver adds its own with sweepers.push(). */
export const sweepers: Sweeper[] = [localSweeper];

/** Runs every sweeper; a sweeper that fails is reported, never fatal. */
export async function sweepLeftovers(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  for (const s of sweepers) {
    try {
      const removed = await s.sweep();
      if (removed.length) log(`removed what an earlier killed run left (${s.name}): ${removed.join(', ')}`);
    } catch (err) {
      log(`could not sweep leftovers (${s.name}): ${(err as Error).message}`);
    }
  }
}
