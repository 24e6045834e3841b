// Where the harness is installed: the nearest directory above this module whose package.json is
// the harness's own. That is the clone's root (this module is harness/package-root.ts) or the npm
// package's (its code is bundled flat into dist/, one level down rather than two).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: { dir: string; version: string } | undefined;

function find(): { dir: string; version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'downtime-harness') return { dir, version: pkg.version };
    }
    if (dirname(dir) === dir) throw new Error("the harness's package.json is not above it: an incomplete install?");
  }
}

/** The clone's or the installed package's root directory. */
export const harnessRoot = (): string => (root ??= find()).dir;

/** The harness's own version, from its package.json. */
export const harnessVersion = (): string => (root ??= find()).version;
