// records.bin: a run's raw records, so it can be re-analysed and re-reported without re-running.
// Layout: "DTREC1\n", u32le header length, JSON header, then each column's bytes in header
// order, each starting at a multiple of 8 so it maps straight back onto a typed array.
// The header carries a format version and every column's type and length; a file whose size
// is not exactly what its header says (a kill or a full disk mid-write) is refused, never read
// as zero-filled rows (zero means "ok"). Written to a temp name and renamed, so it is whole or absent.
import { readFile } from 'node:fs/promises';
import { CannotMeasure } from '../errors.ts';
import { writeFileAtomic } from '../files.ts';
import { COLUMNS, type RecordSet } from './records.ts';

const MAGIC = Buffer.from('DTREC1\n');
/** Bump when the layout changes; files from before the field have the layout of version 1. */
export const RECORDS_VERSION = 1;

interface Header {
  version?: number;
  count: number;
  errorCodes: string[];
  columns: { name: string; type?: string; bytes: number }[];
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

export function encodeRecords(set: RecordSet): Buffer {
  const header: Header = {
    version: RECORDS_VERSION,
    count: set.count,
    errorCodes: set.errorCodes,
    columns: COLUMNS.map(([name, Type]) => ({ name, type: Type.name, bytes: set[name].byteLength })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const parts: Buffer[] = [MAGIC, len, json];
  let offset = MAGIC.length + 4 + json.length;
  for (const [name] of COLUMNS) {
    const p = pad8(offset);
    parts.push(Buffer.alloc(p));
    const col = set[name];
    parts.push(Buffer.from(col.buffer, col.byteOffset, col.byteLength));
    offset += p + col.byteLength;
  }
  return Buffer.concat(parts);
}

const bad = (why: string) => new CannotMeasure(`not a readable records file: ${why}`);

function readHeader(buf: Buffer): { header: Header; offset: number } {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw bad('bad magic');
  const len = buf.readUInt32LE(MAGIC.length);
  const offset = MAGIC.length + 4 + len;
  if (offset > buf.length) throw bad(`truncated inside its header (${buf.length} bytes)`);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length + 4, offset).toString()) as Header;
  } catch {
    throw bad('its header is not JSON');
  }
  const version = header.version ?? 1;
  if (version !== RECORDS_VERSION) throw bad(`format version ${version}; this harness reads version ${RECORDS_VERSION}`);
  if (!Number.isSafeInteger(header.count) || header.count < 0) throw bad(`count ${JSON.stringify(header.count)}`);
  if (!Array.isArray(header.errorCodes) || header.errorCodes[0] !== '' || header.errorCodes.some((c) => typeof c !== 'string')) {
    throw bad('errorCodes must be a list of strings starting with ""');
  }
  if (!Array.isArray(header.columns)) throw bad('no column list');
  return { header, offset };
}

export function decodeRecords(buf: Buffer): RecordSet {
  const { header, offset: start } = readHeader(buf);
  // Where each column lies, checked against its type and the count before any byte is read.
  let offset = start;
  const spans = COLUMNS.flatMap(([name, Type]) => {
    const col = header.columns.find((c) => c.name === name);
    // Files from before the open model have no `scheduled`: their requests were due at start.
    if (!col && name === 'scheduled') return [];
    if (!col) throw bad(`no column ${name}`);
    if (col.type !== undefined && col.type !== Type.name) throw bad(`column ${name} is ${col.type}, expected ${Type.name}`);
    if (col.bytes !== header.count * Type.BYTES_PER_ELEMENT) {
      throw bad(`column ${name} has ${col.bytes} bytes, ${header.count} records need ${header.count * Type.BYTES_PER_ELEMENT}`);
    }
    offset += pad8(offset);
    const span = { name, Type, from: offset, bytes: col.bytes };
    offset += col.bytes;
    return [span];
  });
  if (buf.length < offset) throw bad(`truncated: ${buf.length} of ${offset} bytes (the run was cut short while writing it?)`);
  if (buf.length > offset) throw bad(`${buf.length - offset} bytes after its last column`);
  const out: Record<string, unknown> = { count: header.count, errorCodes: header.errorCodes };
  for (const { name, Type, from, bytes } of spans) {
    // Copy: the file buffer's own offset inside Node's pool need not be aligned.
    const copy = new Uint8Array(bytes);
    copy.set(buf.subarray(from, from + bytes));
    out[name] = new Type(copy.buffer);
  }
  const errors = out.error as Uint8Array;
  for (let i = 0; i < errors.length; i++) {
    if (errors[i] >= header.errorCodes.length) throw bad(`record ${i} names error code ${errors[i]}, the header lists ${header.errorCodes.length}`);
  }
  out.scheduled ??= Float64Array.from(out.start as Float64Array);
  return out as unknown as RecordSet;
}

export const writeRecords = (path: string, set: RecordSet) => writeFileAtomic(path, encodeRecords(set));

export async function readRecords(path: string): Promise<RecordSet> {
  try {
    return decodeRecords(await readFile(path));
  } catch (err) {
    throw new CannotMeasure(`${path}: ${(err as Error).message}`);
  }
}
