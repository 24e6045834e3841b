// The wrk reference's output (harness/reference/wrk-record.lua) read back as records.
import { describe, expect, it } from 'vitest';
import { OUTCOME } from '../../harness/records/records.ts';
import { CODE } from '../../harness/records/failure-codes.ts';
import { parseWrkOutput } from '../../harness/reference/wrk-load.ts';

describe('parseWrkOutput', () => {
  it('turns the script lines into records, failures and HTTP errors apart, and reads the summary', () => {
    const text = [
      'Running 10s test @ http://127.0.0.1:8080/',
      '--- records',
      '100.5 350.0 1 200 0 0 1', // a success from blue on a fresh connection
      '350.2 900.1 0 0 0 1 0', // no response: wrk reconnected
      '900.4 1100.0 0 503 100000 0 2', // an answer outside the success range, from green
      '--- done 2 0 3 0 1 0',
    ].join('\n');
    const { records, summary } = parseWrkOutput(text);
    expect(summary).toEqual({ requests: 2, connect: 0, read: 3, write: 0, status: 1, timeout: 0 });
    expect(records.count).toBe(3);
    expect([...records.outcome]).toEqual([OUTCOME.ok, OUTCOME.transportError, OUTCOME.httpError]);
    expect(records.errorCodes[records.error[1]]).toBe(CODE.WRK_SOCKET_ERROR);
    expect(records.errorCodes[records.error[2]]).toBe('');
    expect([...records.start]).toEqual([100.5, 350.2, 900.4]);
    expect([...records.end]).toEqual([350, 900.1, 1100]);
    expect([...records.reused]).toEqual([0, 1, 0]);
    expect([...records.colour]).toEqual([1, 0, 2]);
    expect([...records.conn]).toEqual([0, 0, 100000]);
  });

  it('no summary when wrk was cut off before its done()', () => {
    expect(parseWrkOutput('--- records\n1 2 1 200 0 0 1\n').summary).toBeNull();
  });
});
