// The traffic shape from hand-written access-log lines: the parser field by field, and every
// figure of the accumulator worked out by hand below (idle times, skipped request numbers, a
// reused connection serial, the horizon, a second without requests, malformed lines), plain,
// JSON, gzip and across files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CannotMeasure } from '../../harness/errors.ts';
import { shapeSeriesSpec } from '../../harness/report/shape-charts.ts';
import { renderShape } from '../../harness/report/shape-page.ts';
import { formatShapeSummary } from '../../harness/report/shape-summary.ts';
import { ShapeAccumulator } from '../../harness/shape/accumulator.ts';
import { Distribution, edges125 } from '../../harness/shape/distribution.ts';
import { LOG_FORMATS, parseLogLine } from '../../harness/shape/log-line.ts';
import { readLogs } from '../../harness/shape/read-logs.ts';
import { parseShape, ShapeSchema, type Shape } from '../../harness/shape/schema.ts';
import { MAX_BUCKETS, TimeSeries } from '../../harness/shape/time-series.ts';

const T0 = 1_700_000_000_000;
const json = (msec: string, conn: number, req: number, rt: string, rtt: string, method: string, status: number) =>
  JSON.stringify({ msec, connection: String(conn), connection_requests: String(req), request_time: rt, tcpinfo_rtt: rtt, request_method: method, status: String(status) });

/** Times are seconds after T0; each line's start is its msec minus its request_time. */
const LINES = [
  '1700000000.100 1 1 0.100 100 GET 200', // conn 1 opens, start 0.000
  '1700000000.350 1 2 0.050 200 GET 200', // start 0.300: idle 300 − 100 = 200 ms
  '1700000001.020 2 1 0.020 - POST 201', // conn 2 opens at 1.000, no round trip
  '1700000002.510 1 3 0.010 300 GET 200', // start 2.500: idle 2500 − 350 = 2150 ms
  '1700000002.600 2 3 0.000 400 HEAD 304', // request 2 of conn 2 is not in the log: unlogged 1, no idle
  '1700000002.700 3 5 0.000 500 GET 200', // conn 3 first seen at request 5: open before the log
  '1700000002.800 4 1 0.000 - GET', // malformed: six fields
  '',
  '1700000004.000 1 1 0.000 600 GET 200', // serial 1 again at request 1 (a reload): old conn 1 closed with 3 requests
  json('1700000004.100', 2, 4, '0.200', '', 'POST', 502), // start 3.900: idle 3900 − 2600 = 1300 ms; no round trip
  '1700000009.000 4 1 0.000 700 GET 200', // conn 4 opens; with a 5 s horizon conn 3 (idle since 2.700) is closed
  '1700000009.050 4 2 0.100 800 GET 200', // start 8.950, before request 1 ended: overlapping
];

function accumulate(lines: readonly string[], horizonMs = 5000): Shape {
  const acc = new ShapeAccumulator(horizonMs);
  acc.startSource('access.log', false);
  lines.forEach((text, i) => {
    if (!text.trim()) return acc.blank();
    const parsed = parseLogLine(text);
    if ('malformed' in parsed) acc.malformed(i + 1, text, parsed.malformed);
    else acc.add(parsed);
  });
  return acc.finish(new Date(0));
}

describe('parseLogLine', () => {
  it('reads the plain format field by field, times as whole ms', () => {
    expect(parseLogLine('1700000000.123 42 7 0.004 1234 GET 200')).toEqual({
      format: 'plain',
      endMs: 1_700_000_000_123,
      connection: 42,
      connectionRequests: 7,
      requestMs: 4,
      rttUs: 1234,
      method: 'GET',
      status: 200,
    });
    expect(parseLogLine('1700000000.123 42 7 12.345 - PROPFIND 207')).toMatchObject({ requestMs: 12_345, rttUs: null, method: 'PROPFIND', status: 207 });
    // trailing blanks and a CR are no reason to refuse a line
    expect(parseLogLine('1700000000.123 42 7 0.004 1234 GET 200 \r')).toMatchObject({ format: 'plain', status: 200 });
  });

  it('reads the JSON format, values quoted (as nginx writes them) or not, empty as none', () => {
    expect(parseLogLine(json('1700000000.123', 42, 7, '0.004', '', 'GET', 200))).toEqual({
      format: 'json',
      endMs: 1_700_000_000_123,
      connection: 42,
      connectionRequests: 7,
      requestMs: 4,
      rttUs: null,
      method: 'GET',
      status: 200,
    });
    const unquoted = '{"msec":1700000000.123,"connection":42,"connection_requests":7,"request_time":0.004,"tcpinfo_rtt":99,"request_method":"GET","status":200}';
    expect(parseLogLine(unquoted)).toMatchObject({ format: 'json', endMs: 1_700_000_000_123, requestMs: 4, rttUs: 99 });
  });

  it('says which field of a malformed line is wrong', () => {
    const reason = (line: string) => (parseLogLine(line) as { malformed: string }).malformed;
    expect(reason('1700000000.123 42 7 0.004 1234 GET')).toBe('6 space-separated fields, expected 7 (msec connection connection_requests request_time tcpinfo_rtt request_method status)');
    expect(reason('1700000000 42 7 0.004 1234 GET 200')).toBe('msec "1700000000": expected seconds with three decimals');
    expect(reason('1700000000.123 x 7 0.004 1234 GET 200')).toBe('connection "x": expected a whole number');
    expect(reason('1700000000.123 42 0 0.004 1234 GET 200')).toBe('connection_requests "0": expected a whole number from 1');
    expect(reason('1700000000.123 42 7 0.0041 1234 GET 200')).toBe('request_time "0.0041": expected seconds with three decimals');
    expect(reason('1700000000.123 42 7 0.004 1.5 GET 200')).toBe('tcpinfo_rtt "1.5": expected microseconds, or - where there is none');
    expect(reason('1700000000.123 42 7 0.004 1234 GET 20')).toBe('status "20": expected a three-digit status');
    expect(reason('{"msec": "1700000000.123"')).toBe('not JSON (a JSON line starts with {)');
    expect(reason('{"msec":"1700000000.123"}')).toBe('connection missing: expected a whole number');
    expect(reason('127.0.0.1 - - [02/Dec/2026:13:39:40 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"')).toMatch(/^12 space-separated fields, expected 7/);
  });
});

describe('ShapeAccumulator', () => {
  const shape = accumulate(LINES);

  it('counts lines by format and keeps the malformed one as an example', () => {
    expect(shape.lines).toEqual({
      total: 12,
      plain: 9,
      json: 1,
      blank: 1,
      malformed: 1,
      examples: [{ path: 'access.log', line: 7, text: '1700000002.800 4 1 0.000 - GET', reason: expect.stringMatching(/^6 space-separated fields/) }],
    });
    expect(shape.sources).toEqual([{ path: 'access.log', gzip: false, lines: 12 }]);
  });

  it('requests: per second by start, the empty seconds kept; mean over the span, peak; the mix', () => {
    expect(shape.span).toEqual({ fromMs: T0, toMs: T0 + 9050 });
    expect(shape.series.fromMs).toBe(T0);
    expect(shape.series.bucketMs).toBe(1000);
    expect(shape.series.requests).toEqual([2, 1, 3, 1, 1, 0, 0, 0, 1, 1]);
    expect(shape.requests).toEqual({
      total: 10,
      rate: { meanPerSecond: 1, peakPerSecond: 3 },
      unlogged: 1,
      methods: { GET: 7, POST: 2, HEAD: 1 },
      statuses: { '200': 7, '201': 1, '304': 1, '502': 1 },
    });
  });

  it('connections: opened, continued, a reused serial, closed by the horizon or at the end, open per second', () => {
    const c = shape.connections;
    expect({ ...c, open: undefined, opening: undefined, requestsPerConnection: undefined }).toEqual({
      total: 5,
      opened: 4,
      continued: 1,
      closedByHorizon: 1,
      openAtEnd: 3,
      open: undefined,
      opening: undefined,
      requestsPerConnection: undefined,
    });
    expect(shape.series.opened).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(c.opening).toEqual({ meanPerSecond: 0.4, peakPerSecond: 1 });
    // spans: conn 1 0.000–2.510, conn 2 1.000–4.100, conn 3 at 2.700, conn 1 again at 4.000, conn 4 9.000–9.050
    expect(shape.series.open).toEqual([1, 2, 3, 1, 2, 0, 0, 0, 0, 1]);
    expect(c.open).toEqual({ mean: 1, peak: 3 });
    // nginx's own counts: 3, 4, 5, 1, 2
    expect(c.requestsPerConnection).toMatchObject({ count: 5, min: 1, mean: 3, p50: 3, max: 5 });
  });

  it('idle time: next start − previous end on one connection, only between consecutive requests', () => {
    expect(shape.idleMs).toMatchObject({ count: 3, min: 200, p50: 1300, max: 2150, overlapping: 1 });
    expect(shape.idleMs.mean).toBeCloseTo(3650 / 3, 9);
    // edges 1 2 5 10 20 50 100 200 500 1000 2000 5000 …: 200 in [200, 500), 1300 in [1000, 2000), 2150 in [2000, 5000)
    expect(shape.idleMs.histogram.counts.slice(0, 13)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0]);
    // above 2048 three significant digits are steps of 2: hdr's p99 is 2150's highest equivalent value
    expect(shape.idleMs.p99).toBe(2151);
  });

  it('round trip: every line that had one, µs', () => {
    expect(shape.rttUs).toMatchObject({ count: 8, min: 100, mean: 450, p50: 400, max: 800, missing: 2 });
  });

  it('is what the schema says, and a damaged shape.json is refused with the field named', () => {
    expect(ShapeSchema.parse(shape)).toEqual(shape);
    expect(parseShape(JSON.stringify(shape), 'shape.json')).toEqual(shape);
    expect(() => parseShape(JSON.stringify({ ...shape, schemaVersion: 9 }), 'x/shape.json')).toThrow(/x\/shape\.json is damaged or not a traffic shape:\n {2}schemaVersion: expected schema version 1/);
    expect(() => parseShape('{', 'shape.json')).toThrow(CannotMeasure);
  });

  it('HTTP/2: a skipped number logged late is the same connection, overlapping; a passed one with none skipped is a new connection', () => {
    const h2 = accumulate([
      '1700000000.100 7 1 0.100 - GET 200', // start 0.000
      '1700000000.200 7 3 0.150 - GET 200', // stream 3 ends first: 2 skipped so far
      '1700000000.300 7 2 0.280 - GET 200', // stream 2, logged late: no longer unlogged, overlapping
      '1700000000.310 7 4 0.005 - GET 200', // start 0.305: idle 305 − 300 = 5 ms
      '1700000000.400 7 2 0.000 - GET 200', // 2 again, nothing skipped: another connection under serial 7
    ]);
    expect(h2.requests.unlogged).toBe(0);
    expect(h2.idleMs).toMatchObject({ count: 1, min: 5, max: 5, overlapping: 1 });
    expect(h2.connections).toMatchObject({ total: 2, opened: 1, continued: 1 });
    expect(h2.connections.requestsPerConnection).toMatchObject({ count: 2, min: 2, max: 4 });
  });

  it('a longer horizon keeps the idle connection open to the end', () => {
    const long = accumulate(LINES, 10_000);
    expect(long.connections).toMatchObject({ closedByHorizon: 0, openAtEnd: 4 });
  });

  it('the page and the summary show the figures', () => {
    const page = renderShape(shape);
    for (const id of ['requests', 'open', 'opened', 'idle', 'per-connection', 'rtt']) expect(page).toContain(`<canvas id="${id}"`);
    expect(page).toContain('2,150.00'); // idle max, ms
    expect(page).toContain('6 space-separated fields');
    // each bucket held over its own second: the last one closed at the series' end
    expect(shapeSeriesSpec(shape, 'requests', 'requests / s', true).data.datasets[0].data).toEqual([
      [0, 2], [1, 1], [2, 3], [3, 1], [4, 1], [5, 0], [6, 0], [7, 0], [8, 1], [9, 1], [10, 1],
    ]);
    const text = formatShapeSummary(shape);
    expect(text).toContain('10 requests over 9.05s from 1 file (9 plain and 1 JSON lines; 1 malformed)');
    expect(text).toContain('idle ms          p50 1,300.00  p90 2,151.00  p99 2,151.00  max 2,150.00  (3 gaps; horizon 5s)');
    expect(text).toContain('methods          GET 70.0%, POST 20.0%, HEAD 10.0%');
  });
});

describe('readLogs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shape-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads gzip by its magic bytes, and one connection across files, as one log', async () => {
    const first = join(dir, 'access.log.1.gz');
    const second = join(dir, 'access.log');
    writeFileSync(first, gzipSync(`${LINES.slice(0, 5).join('\n')}\n`));
    writeFileSync(second, `${LINES.slice(5).join('\n')}\n`);
    const shape = await readLogs([first, second], 5000);
    const whole = accumulate(LINES);
    expect(shape.sources).toEqual([
      { path: first, gzip: true, lines: 5 },
      { path: second, gzip: false, lines: 7 },
    ]);
    // the same figures as one file: conn 1 and conn 2 continue into the second file
    expect({ ...shape, createdAt: '', sources: [], lines: { ...shape.lines, examples: [] } }).toEqual({ ...whole, createdAt: '', sources: [], lines: { ...whole.lines, examples: [] } });
    expect(shape.lines.examples[0]).toMatchObject({ path: second, line: 2 });
  });

  it('a gzip file by another name is still read as gzip; a damaged one is named', async () => {
    const named = join(dir, 'plain-name.log');
    writeFileSync(named, gzipSync(LINES[0]));
    expect((await readLogs([named])).requests.total).toBe(1);
    const damaged = join(dir, 'damaged.gz');
    writeFileSync(damaged, gzipSync(LINES.join('\n')).subarray(0, 40));
    await expect(readLogs([damaged])).rejects.toThrow(`${damaged}: cannot decompress it`);
  });

  it('a log with no line in the format is bad input, with the first reason and where the format is', async () => {
    const combined = join(dir, 'combined.log');
    writeFileSync(combined, '127.0.0.1 - - [02/Dec/2026:13:39:40 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n');
    const err = await readLogs([combined]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CannotMeasure);
    expect((err as Error).message).toContain(`no line of ${combined} is in the downtime log_format (1 lines, 1 malformed); e.g. ${combined}:1: 12 space-separated fields`);
    expect((err as Error).message).toContain('docs/SHAPE.md');
  });
});

describe('bounded parts', () => {
  it('TimeSeries: times before the first grow it backwards; past MAX_BUCKETS the bucket doubles, counts kept', () => {
    const s = new TimeSeries(['n']);
    s.add('n', 10_500);
    s.add('n', 2_000); // earlier than the first
    expect(s.buckets()).toEqual({ fromMs: 2000, bucketMs: 1000, values: { n: [1, 0, 0, 0, 0, 0, 0, 0, 1] } });
    s.add('n', 2_000 + MAX_BUCKETS * 1000); // one bucket too many
    const b = s.buckets();
    expect(b.bucketMs).toBe(2000);
    expect(b.values.n.reduce((x, y) => x + y, 0)).toBe(3);
    expect(b.fromMs).toBe(2000);
    expect(b.values.n.length).toBe(MAX_BUCKETS / 2 + 1);
    expect([b.values.n[0], b.values.n[4], b.values.n.at(-1)]).toEqual([1, 1, 1]);
  });

  it('Distribution: the fixed buckets count each value once, below its upper edge', () => {
    expect(edges125(100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    const d = new Distribution(edges125(100));
    for (const v of [0, 1, 4, 5, 99, 100, 1e6]) d.record(v);
    expect(d.figures().histogram.counts).toEqual([1, 1, 1, 1, 0, 0, 1, 2]);
    expect(d.figures()).toMatchObject({ count: 7, min: 0, max: 1e6 });
  });

  it('docs/SHAPE.md gives both log_format lines as the parser reads them', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/SHAPE.md'), 'utf8');
    expect(doc).toContain(LOG_FORMATS.plain);
    expect(doc).toContain(LOG_FORMATS.json);
  });
});
