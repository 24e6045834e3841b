import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecords } from '../../harness/records/file.ts';
import { OUTCOME, RecordWriter } from '../../harness/records/records.ts';

describe('records', () => {
  it('grows past its initial capacity and keeps every record', () => {
    const w = new RecordWriter(4);
    for (let i = 0; i < 1000; i++) {
      w.push({ start: i, end: i + 0.5, outcome: i % 3 === 0 ? OUTCOME.transportError : OUTCOME.ok, status: 200, errorCode: i % 3 === 0 ? 'ECONNRESET' : '', conn: i % 7, reused: i % 2 === 0, colour: 1 });
    }
    const set = w.finish();
    expect(set.count).toBe(1000);
    expect(set.start.length).toBe(1000);
    expect(set.end[999]).toBe(999.5);
    expect(set.errorCodes).toEqual(['', 'ECONNRESET']);
    expect(set.error[3]).toBe(1);
    expect(set.reused[1]).toBe(0);
  });

  it('round-trips through records.bin exactly', () => {
    const w = new RecordWriter(2);
    w.push({ start: 1.25, end: 3.5, outcome: OUTCOME.ok, status: 200, errorCode: '', conn: 1, reused: false, colour: 1 });
    w.push({ start: 2, end: 9.125, outcome: OUTCOME.transportError, status: 0, errorCode: 'UND_ERR_SOCKET', conn: 70000, reused: true, colour: 0 });
    w.push({ start: 4, end: 5, outcome: OUTCOME.httpError, status: 502, errorCode: '', conn: 2, reused: true, colour: 2 });
    const set = w.finish();
    const back = decodeRecords(encodeRecords(set));
    expect(back).toEqual(set);
  });

  it('rejects a file that is not records', () => {
    expect(() => decodeRecords(Buffer.from('{"not":"records"}'))).toThrow(/bad magic/);
  });
});
