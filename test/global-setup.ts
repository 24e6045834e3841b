// The whole suite runs with its own TMPDIR (every test, every child process the harness starts),
// so that afterwards we can say for sure: no nginx prefix and no process of any run is left.
// Then the directory goes, with whatever the tests' own scratch directories held.
// First the npm package's build (dist/), which the tests start the harness's commands from
// (test/command.ts), so they run the code as it is now.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage } from '../scripts/build.ts';

export default async function setup(): Promise<() => void> {
  await buildPackage({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'downtime-test-suite-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    const leftovers = readdirSync(dir).filter((name) => name.startsWith('downtime-nginx-'));
    const processes = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .filter((e) => {
        try {
          return readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(dir);
        } catch {
          return false;
        }
      });
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (leftovers.length || processes.length) {
      throw new Error(`the test suite left nginx prefixes (${leftovers.join(', ') || 'none'}) or processes (${processes.join(', ') || 'none'}) behind`);
    }
  };
}
