// node --import tsx scripts/shape-log.ts --out /tmp/access.log --size 1G: a synthetic access log
// in the `downtime` log_format (harness/shape/log-line.ts), to time `npm run shape` on a log of
// a known size (docs/SHAPE.md gives the figure and the command). Seeded, so a size gives the same file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from '../harness/cli/flags.ts';
import { CannotMeasure } from '../harness/errors.ts';
import { uniforms } from '../harness/load/pacer.ts';

const FLAGS = {
  out: { type: 'string', value: '<file>', help: 'the log to write (required)' },
  size: { type: 'string', default: '1G', value: '<bytes>', help: 'how big: 500M, 1G, or bytes (default 1G)' },
  connections: { type: 'string', default: '2000', value: '<n>', help: 'keep-alive connections open at once (default 2000)' },
  rate: { type: 'string', default: '20000', value: '<n>', help: 'requests per second of log time (default 20000)' },
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: node --import tsx scripts/shape-log.ts --out <file> [options]

Writes a synthetic nginx access log in the downtime log_format: keep-alive connections that
send requests with idle gaps between them, are closed and replaced now and then, with a mix of
methods, statuses and round trips. Seeded: the same options write the same file.

Options:
${helpLines(FLAGS)}`;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

function positive(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(v);
  const n = m ? Number(m[1]) * UNITS[m[2].toUpperCase()] : Number.NaN;
  if (!(n >= 1)) throw new CannotMeasure(`--${flag} ${v}: expected a number above 0 (sizes may end in K, M or G)`);
  return Math.floor(n);
}

const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT'];
const STATUSES = [200, 200, 200, 200, 200, 200, 200, 200, 304, 301, 404, 500, 502];

async function main(): Promise<number> {
  const { values } = parseCommandLine({ options: parserOptions(FLAGS) });
  if (values.help) return print(HELP);
  if (!values.out) throw new CannotMeasure(`--out <file> is required\n\n${HELP}`);
  const size = positive('size', values.size!);
  const pool = positive('connections', values.connections!);
  const rate = positive('rate', values.rate!);
  const next = uniforms(1);
  const out = createWriteStream(values.out);
  let serial = 0;
  const connections = Array.from({ length: pool }, () => ({ id: ++serial, requests: 0, busyUntilUs: 0 }));
  let nowUs = 1_700_000_000 * 1e6;
  let written = 0;
  let chunk = '';
  while (written < size) {
    nowUs += -Math.log(1 - next()) * (1e6 / rate);
    const slot = Math.floor(next() * pool);
    let c = connections[slot];
    if (c.busyUntilUs > nowUs) continue; // one request at a time per connection, as HTTP/1.1
    if (c.requests > 0 && next() < 0.01) c = connections[slot] = { id: ++serial, requests: 0, busyUntilUs: 0 };
    c.requests++;
    const requestUs = Math.floor(-Math.log(1 - next()) * 5000);
    c.busyUntilUs = nowUs + requestUs;
    const msec = (Math.floor(c.busyUntilUs / 1000) / 1000).toFixed(3);
    const rtt = next() < 0.001 ? '-' : String(200 + Math.floor(next() * 50_000));
    const line = `${msec} ${c.id} ${c.requests} ${(Math.floor(requestUs / 1000) / 1000).toFixed(3)} ${rtt} ${METHODS[Math.floor(next() * METHODS.length)]} ${STATUSES[Math.floor(next() * STATUSES.length)]}\n`;
    chunk += line;
    written += line.length;
    if (chunk.length < 1 << 20) continue;
    const flowing = out.write(chunk);
    chunk = '';
    if (!flowing) await once(out, 'drain');
  }
  out.end(chunk);
  await once(out, 'finish');
  process.stderr.write(`${values.out}: ${written.toLocaleString('en-US')} bytes, ${serial.toLocaleString('en-US')} connections\n`);
  return 0;
}

main().then((code) => process.exit(code), exitOnError);
