// The whole suite runs with its own TMPDIR (every test, every child process the harness starts),
// so that afterwards we can say for sure: no nginx prefix and no process of any run is left.
// Then the directory goes, with whatever the tests' own scratch directories held.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
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
