// records.bin: a run's raw records, so it can be re-analysed and re-reported without re-running.
// Layout: "DTREC1\n", u32le header length, JSON header, then each column's bytes in header
// order, each starting at a multiple of 8 so it maps straight back onto a typed array.
import { readFile, writeFile } from 'node:fs/promises';
import { COLUMNS, type RecordSet } from './records.ts';

const MAGIC = Buffer.from('DTREC1\n');

interface Header {
  count: number;
  errorCodes: string[];
  columns: { name: string; bytes: number }[];
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

export function encodeRecords(set: RecordSet): Buffer {
  const header: Header = {
    count: set.count,
    errorCodes: set.errorCodes,
    columns: COLUMNS.map(([name]) => ({ name, bytes: set[name].byteLength })),
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

export function decodeRecords(buf: Buffer): RecordSet {
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a records file (bad magic)');
  const len = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + len).toString()) as Header;
  let offset = MAGIC.length + 4 + len;
  const out: Record<string, unknown> = { count: header.count, errorCodes: header.errorCodes };
  for (const [name, Type] of COLUMNS) {
    const col = header.columns.find((c) => c.name === name);
    // Files from before the open model have no `scheduled`: their requests were due at start.
    if (!col && name === 'scheduled') continue;
    if (!col) throw new Error(`records file has no column ${name}`);
    offset += pad8(offset);
    // Copy: the file buffer's own offset inside Node's pool need not be aligned.
    const bytes = new Uint8Array(col.bytes);
    bytes.set(buf.subarray(offset, offset + col.bytes));
    out[name] = new Type(bytes.buffer);
    offset += col.bytes;
  }
  out.scheduled ??= Float64Array.from(out.start as Float64Array);
  return out as unknown as RecordSet;
}

export const writeRecords = (path: string, set: RecordSet) => writeFile(path, encodeRecords(set));
export const readRecords = async (path: string) => decodeRecords(await readFile(path));
