// npm run shape -- ACCESS_LOG… : the traffic shape of your own nginx's access logs (request rate,
// connections open at once, requests per connection, idle time between requests, round trip,
// method and status mix), as shape.json and shape.html.
import { join, relative } from 'node:path';
import { CannotMeasure } from '../errors.ts';
import { checkWritableDir, writeFileAtomic } from '../files.ts';
import { renderShape } from '../report/shape-page.ts';
import { formatShapeSummary } from '../report/shape-summary.ts';
import { newRunDir } from '../run/store.ts';
import { durationFlag } from '../scenario/schema.ts';
import { DEFAULT_HORIZON_MS } from '../shape/accumulator.ts';
import { LOG_FORMATS } from '../shape/log-line.ts';
import { readLogs } from '../shape/read-logs.ts';
import { ShapeSchema } from '../shape/schema.ts';
import { parseCommandLine, print } from './command-line.ts';
import { exitOnError } from './exit.ts';
import { helpLines, HELP_FLAG, jsonFlag, parserOptions, type Flags } from './flags.ts';

const SHAPE_FLAGS = {
  out: { type: 'string', value: '<dir>', help: 'where shape.json and shape.html go\n(default: a new reports/<date>-<time>-shape/)' },
  horizon: {
    type: 'string',
    default: `${DEFAULT_HORIZON_MS / 1000}s`,
    value: '<time>',
    help: `a connection with no request for longer is counted closed\n(default ${DEFAULT_HORIZON_MS / 1000}s, nginx's default keepalive_timeout: give yours)`,
  },
  ...jsonFlag('print shape.json to stdout, with the directory it went to (dir)'),
  ...HELP_FLAG,
} as const satisfies Flags;

const HELP = `Usage: npm run shape -- <access-log> [<access-log> ...] [options]

Derives the traffic shape of your own nginx from its access logs: requests per second (mean,
peak, over time), connections open at once, connections opened per second, requests per
connection, idle time between requests on a connection, round trip, and the method and status
mix. Writes shape.json (schema: docs/SHAPE.md) and shape.html, and prints a summary.

The logs must be written with this log_format (or its JSON twin, in docs/SHAPE.md), in the
http block of nginx.conf, and \`access_log /var/log/nginx/access.log downtime;\`:
  ${LOG_FORMATS.plain}
Plain or gzip files (told by their first bytes), oldest first: a connection may continue from
one file into the next. Lines that do not parse are counted and shown, never fatal.

Options:
${helpLines(SHAPE_FLAGS)}

Exit codes: 0 written; 2 bad input (a file that cannot be read, a bad option, or no line in the
downtime log_format).

Examples:
  npm run shape -- /var/log/nginx/access.log.2.gz /var/log/nginx/access.log.1 /var/log/nginx/access.log
  npm run shape -- access.log --horizon 65s --out shape/`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine({ allowPositionals: true, options: parserOptions(SHAPE_FLAGS) });
  if (values.help) return print(HELP);
  if (positionals.length === 0) throw new CannotMeasure(`name at least one access log.\n\n${HELP}`);
  const horizonMs = durationFlag('horizon', values.horizon!, 1000);
  if (values.out) await checkWritableDir(values.out, '--out');
  else await checkWritableDir('reports', '--out (default reports/)');

  const shape = ShapeSchema.parse(await readLogs(positionals, horizonMs));
  const dir = values.out ?? (await newRunDir('reports', 'shape'));
  await writeFileAtomic(join(dir, 'shape.json'), `${JSON.stringify(shape, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'shape.html'), renderShape(shape));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...shape, dir })}\n`);
    return 0;
  }
  print(formatShapeSummary(shape));
  return print(`shape: ${relative(process.cwd(), join(dir, 'shape.json')) || dir} and shape.html beside it`);
}

main().then((code) => process.exit(code), exitOnError);
