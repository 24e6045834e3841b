import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecords } from '../../harness/records/file.ts';
import { mergeRecordSets } from '../../harness/records/merge.ts';
import { CHUNK_RECORDS, OUTCOME, RecordWriter, recordSetOf, type RecordInput } from '../../harness/records/records.ts';

const row = (i: number): RecordInput => ({
  start: i,
  end: i + 0.5,
  outcome: i % 3 === 0 ? OUTCOME.transportError : OUTCOME.ok,
  status: 200,
  errorCode: i % 3 === 0 ? 'ECONNRESET' : '',
  conn: i % 7,
  reused: i % 2 === 0,
  colour: 1,
});

describe('records', () => {
  it('keeps every record across chunks, in order', () => {
    const w = new RecordWriter();
    const n = CHUNK_RECORDS * 2 + 17;
    for (let i = 0; i < n; i++) w.push({ ...row(i), scheduled: i - 0.25 });
    const set = w.finish();
    expect(set.count).toBe(n);
    expect(set.start.length).toBe(n);
    expect(set.end[n - 1]).toBe(n - 1 + 0.5);
    expect(set.scheduled[CHUNK_RECORDS]).toBe(CHUNK_RECORDS - 0.25);
    expect(set.start.every((v, i) => v === i)).toBe(true);
    expect(set.errorCodes).toEqual(['', 'ECONNRESET']);
    expect(set.error[3]).toBe(1);
    expect(set.reused[1]).toBe(0);
  });

  // A 60 s run at 50k req/s (above this machine's top rate) is 3 M records. Doubling arrays
  // copied them all at once (~40 ms at 2 M records), at the same write every time; chunks never
  // copy. On a shared machine the OS may run someone else in the middle of any one write, so each
  // write's cost is its fastest of five identical runs: a cost of the writer's own shows in all.
  it('no write of a 60 s run at 50k req/s costs 1 ms or more', () => {
    const n = 3_000_000;
    const fastest = new Float32Array(n).fill(Infinity);
    for (let run = 0; run < 5; run++) {
      const w = new RecordWriter();
      const r = row(1);
      for (let i = 0; i < n; i++) {
        r.start = i;
        const t0 = process.hrtime.bigint();
        w.push(r);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (ms < fastest[i]) fastest[i] = ms;
      }
    }
    let worst = 0;
    for (let i = 0; i < n; i++) if (fastest[i] > fastest[worst]) worst = i;
    expect(fastest[worst], `write ${worst}`).toBeLessThan(1);
  }, 120_000);

  it('merges threads by end time, with unique connections and one error table', () => {
    const a = recordSetOf([
      { ...row(0), end: 1, conn: 0, errorCode: 'ECONNRESET', outcome: OUTCOME.transportError },
      { ...row(1), end: 4, conn: 1, errorCode: '', outcome: OUTCOME.ok },
    ]);
    const b = recordSetOf([
      { ...row(2), end: 2, conn: 0, errorCode: 'UND_ERR_SOCKET', outcome: OUTCOME.transportError },
      { ...row(3), end: 3, conn: 0, errorCode: 'ECONNRESET', outcome: OUTCOME.transportError },
    ]);
    const m = mergeRecordSets([a, b]);
    expect(Array.from(m.end)).toEqual([1, 2, 3, 4]);
    expect(Array.from(m.conn)).toEqual([0, 2, 2, 1]);
    expect(Array.from(m.error, (e) => m.errorCodes[e])).toEqual(['ECONNRESET', 'UND_ERR_SOCKET', 'ECONNRESET', '']);
  });

  it('round-trips through records.bin exactly', () => {
    const w = new RecordWriter();
    w.push({ scheduled: 1, start: 1.25, end: 3.5, outcome: OUTCOME.ok, status: 200, errorCode: '', conn: 1, reused: false, colour: 1 });
    w.push({ start: 2, end: 9.125, outcome: OUTCOME.transportError, status: 0, errorCode: 'UND_ERR_SOCKET', conn: 70000, reused: true, colour: 0 });
    w.push({ start: 4, end: 5, outcome: OUTCOME.httpError, status: 502, errorCode: '', conn: 2, reused: true, colour: 2 });
    const set = w.finish();
    const back = decodeRecords(encodeRecords(set));
    expect(back).toEqual(set);
  });

  it('reads a records.bin from before `scheduled`: due at start', () => {
    const set = recordSetOf([row(5), row(6)]);
    const { scheduled: _, ...old } = set;
    const header = { count: 2, errorCodes: set.errorCodes, columns: [] as { name: string; bytes: number }[] };
    const parts: Buffer[] = [];
    for (const [name, col] of Object.entries(old)) {
      if (typeof col !== 'object' || Array.isArray(col)) continue;
      const c = col as Float64Array;
      header.columns.push({ name, bytes: c.byteLength });
      parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    }
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.length);
    // Lay the columns out as the writer does: each at a multiple of 8.
    const body: Buffer[] = [];
    let offset = 7 + 4 + json.length;
    for (const p of parts) {
      const pad = (8 - (offset % 8)) % 8;
      body.push(Buffer.alloc(pad), p);
      offset += pad + p.length;
    }
    const back = decodeRecords(Buffer.concat([Buffer.from('DTREC1\n'), len, json, ...body]));
    expect(Array.from(back.scheduled)).toEqual([5, 6]);
  });

  it('rejects a file that is not records', () => {
    expect(() => decodeRecords(Buffer.from('{"not":"records"}'))).toThrow(/bad magic/);
  });
});
