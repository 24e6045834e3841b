// Reading access logs into a shape: each file streamed line by line (gzip told by its magic
// bytes, not its name, so a rotated access.log.2.gz and a plain copy read alike), in the order
// given, through one accumulator, so memory stays bounded whatever the files' size.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { CannotMeasure } from '../errors.ts';
import { ShapeAccumulator } from './accumulator.ts';
import { LOG_FIELDS, parseLogLine } from './log-line.ts';
import type { Shape } from './schema.ts';

const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzip(path: string): Promise<boolean> {
  const head = Buffer.alloc(2);
  let bytesRead = 0;
  try {
    const file = await open(path, 'r');
    try {
      ({ bytesRead } = await file.read(head, 0, 2, 0));
    } finally {
      await file.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CannotMeasure(`${path}: cannot read it (${e.code ?? e.message})`);
  }
  return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

async function readOne(path: string, into: ShapeAccumulator): Promise<void> {
  const gzip = await isGzip(path);
  into.startSource(path, gzip);
  const raw = createReadStream(path);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  // readline passes its input's errors on as its own: every one of the three is listened to
  const failed = new Promise<never>((_, reject) => {
    const fail = (err: Error) => {
      raw.destroy();
      reject(new CannotMeasure(`${path}: ${gzip ? 'cannot decompress it' : 'cannot read it'} (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    };
    raw.on('error', fail);
    input.on('error', fail);
    lines.on('error', fail);
  });
  failed.catch(() => {}); // an error after the last line is no one's to handle
  let number = 0;
  lines.on('line', (text) => {
    number++;
    if (text.trim() === '') return into.blank();
    const parsed = parseLogLine(text);
    if ('malformed' in parsed) into.malformed(number, text, parsed.malformed);
    else into.add(parsed);
  });
  await Promise.race([new Promise((resolve) => lines.once('close', resolve)), failed]);
}

/** Every file's lines through one accumulator; nothing that parses is bad input (CannotMeasure). */
export async function readLogs(paths: readonly string[], horizonMs?: number): Promise<Shape> {
  const into = new ShapeAccumulator(horizonMs);
  for (const path of paths) await readOne(path, into);
  const shape = into.finish();
  if (shape.requests.total === 0) {
    const first = shape.lines.examples[0];
    throw new CannotMeasure(
      `no line of ${paths.join(', ')} is in the downtime log_format (${shape.lines.total} lines, ${shape.lines.malformed} malformed)` +
        (first ? `; e.g. ${first.path}:${first.line}: ${first.reason}` : '') +
        `.\nEach line needs ${LOG_FIELDS.map((f) => `$${f}`).join(' ')}, space-separated or as JSON: docs/SHAPE.md has the log_format lines to add to nginx.`,
    );
  }
  return shape;
}
