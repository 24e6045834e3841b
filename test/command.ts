// How the tests start the harness's commands: the npm package's build (dist/<name>.mjs, made once
// per suite by test/global-setup.ts) on Node alone. Through tsx a start costs about a second of
// module loading on this machine (tsx's hooks answer each module in turn, in the command and in
// each load thread), over a hundred starts per suite. The path users take from a clone
// (`npm run …`, tsx) stays covered by the tests that run npm itself.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_COMMANDS } from '../harness/cli/command-line.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Node's arguments that run `script` (harness/cli/<name>.ts, or another TypeScript script) with `args`. */
export function commandArgs(script: string, args: string[] = []): string[] {
  const name = /^harness\/cli\/([\w-]+)\.ts$/.exec(script)?.[1];
  if (name && PACKAGE_COMMANDS.has(name)) return [join(ROOT, 'dist', `${name}.mjs`), ...args];
  return ['--import', 'tsx', script, ...args];
}
