// Go's net/http, an http.Client with its own Transport per user. The program is built once per
// source and Go version into the user's cache (standard library only: no module is fetched).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CODE } from '../../records/failure-codes.ts';
import { runCommand } from '../../stack/processes.ts';
import type { ClientDriver } from '../driver.ts';
import { SMALL_OPEN_LOAD } from './shapes.ts';

const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'downtime-harness');

async function built(source: string): Promise<string> {
  const go = await runCommand('go', ['version'], 15_000);
  const key = createHash('sha256').update(readFileSync(source)).update(go.stdout).digest('hex').slice(0, 16);
  const binary = join(CACHE, `go-net-http-${key}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE, { recursive: true });
  const build = await runCommand('go', ['build', '-o', binary, source], 180_000);
  if (build.code !== 0) throw new Error(`go build ${source}: ${build.stderr}`);
  return binary;
}

export const goNetHttp: ClientDriver = {
  name: 'go-net-http',
  library: "Go's net/http",
  install: 'npm run setup -- --with-clients (Debian: apt-get install golang-go)',
  installedBySetup: true,
  program: 'go-net-http.go',
  command: async (path) => [await built(path)],
  codes: {
    EOF: CODE.SOCKET_CLOSED,
    'server closed idle connection': CODE.SOCKET_CLOSED,
    timeout: CODE.HEADERS_TIMEOUT,
  },
  crossCheck: SMALL_OPEN_LOAD,
};
