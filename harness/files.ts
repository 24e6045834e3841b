// Writing results safely: directories made one level at a time (Node 20's recursive mkdir
// loops forever under /proc), an output directory checked before anything starts, and files
// written to a temp name then renamed, so a kill or a full disk never leaves half a file.
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CannotMeasure } from './errors.ts';

/** mkdir -p, without Node's recursive mode (which spins on ENOENT under /proc). */
export async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const kind = await stat(dir).then(
      (s) => (s.isDirectory() ? 'dir' : 'other'),
      () => 'none',
    );
    if (kind === 'dir') break;
    if (kind === 'other') throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/**
 * Creates `dir` if needed and proves a file can be written there: called before a run starts,
 * so an output directory that cannot be written fails at once (exit 2), not after the run.
 */
export async function checkWritableDir(dir: string, what: string): Promise<void> {
  const probe = join(dir, `.downtime-write-check-${process.pid}`);
  try {
    await makeDirs(dir);
    await writeFile(probe, '');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CannotMeasure(`${what} ${dir}: cannot write there (${e.code ?? e.message})`);
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
}

/** Writes to `<path>.tmp-<pid>` then renames: readers see the old file or the whole new one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
