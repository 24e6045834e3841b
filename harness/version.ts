// The harness's own version, from its package.json: the nearest one above this module, which is
// two levels down in a clone (harness/version.ts) and one in the npm package (dist/, bundled flat).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

export function harnessVersion(): string {
  if (version) return version;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'downtime-harness') return (version = pkg.version);
    }
    if (dirname(dir) === dir) throw new Error("the harness's package.json is not above it: an incomplete install?");
  }
}
