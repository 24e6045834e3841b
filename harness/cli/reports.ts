// npm run reports: rebuild reports/index.html and serve reports/ on 127.0.0.1 (node:http only),
// so every run's report, its PNGs and the comparisons are a click away.
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { writeIndex } from '../report/index-page.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from './flags.ts';

const REPORTS_FLAGS = {
  dir: { type: 'string', default: 'reports', value: '<dir>', help: 'the reports directory (default: reports)' },
  port: { type: 'string', default: '8080', value: '<n>', help: 'port (default: 8080; 0 picks a free one)' },
  'index-only': { type: 'boolean', help: 'rebuild index.html and exit without serving' },
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run reports -- [options]

Rebuilds <dir>/index.html (every run, newest first, and every comparison) and serves <dir> on
http://127.0.0.1:<port>/ until Ctrl-C. Only this machine can connect.

Options:
${helpLines(REPORTS_FLAGS, 16)}

Exit codes: 0 index written (--index-only); 2 bad input or the port cannot be bound; 130 after Ctrl-C.`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.conf': 'text/plain; charset=utf-8',
  '.inc': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

const PLAIN = { 'content-type': 'text/plain; charset=utf-8' };
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const realpathOf = (path: string) => realpathSync.native(path);

async function main(): Promise<number | null> {
  const parsed = parseCommandLine({ options: parserOptions(REPORTS_FLAGS) });
  const { values } = parsed;
  if (values.help) return print(HELP);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CannotMeasure(`--port ${values.port}: expected a port number 0–65535`);
  if (!existsSync(values.dir!) || !statSync(values.dir!).isDirectory()) {
    throw new CannotMeasure(`${values.dir} is not a directory; run a scenario first (npm run scenario keepalive-60s)`);
  }
  const root = realpathOf(resolve(values.dir!));
  const index = await writeIndex(root);
  if (values['index-only']) {
    process.stdout.write(`${index}\n`);
    return 0;
  }

  const server = createServer((req, res) => {
    void (async () => {
      // Only this machine's names: a page elsewhere that rebinds its own host name to 127.0.0.1
      // (DNS rebinding) sends its own Host header, and is refused.
      if (!LOCAL_HOSTS.has((req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase())) {
        res.writeHead(403, PLAIN).end('forbidden: this server answers requests for 127.0.0.1 or localhost only\n');
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      } catch {
        res.writeHead(400, PLAIN).end('bad request');
        return;
      }
      if (path === '/' || path === '/index.html') await writeIndex(root); // always what is on disk now
      let file = resolve(join(root, path));
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, existsSync(join(file, 'report.html')) ? 'report.html' : existsSync(join(file, 'compare.html')) ? 'compare.html' : 'index.html');
      if (!existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, PLAIN).end(`not found: ${path}`);
        return;
      }
      // Judged where the file really is: a symlink inside the directory may point out of it.
      const real = realpathOf(file);
      if (real !== root && !real.startsWith(root + sep)) {
        res.writeHead(403, PLAIN).end('forbidden\n');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      createReadStream(file).pipe(res);
    })().catch((err) => {
      if (!res.headersSent) res.writeHead(500, PLAIN);
      res.end(`${(err as Error)?.message ?? String(err)}\n`);
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(new CannotMeasure(`--port ${port}: cannot listen on 127.0.0.1:${port} (${err.code ?? err.message}); try --port 0 for any free port`)),
    );
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = (server.address() as { port: number }).port;
  process.stdout.write(`serving ${values.dir} at http://127.0.0.1:${actual}/  (Ctrl-C to stop)\n`);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      server.close();
      process.exit(code);
    });
  }
  return null; // keeps serving
}

main().then((code) => {
  if (code !== null) process.exit(code);
}, exitOnError);
