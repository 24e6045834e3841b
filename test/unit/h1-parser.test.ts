// The load client's HTTP/1.1 response parser: every framing, every rule of RFC 9112 it enforces
// (and where it follows Node's client instead), and every way a response can be split across
// socket reads (each split point of each example is fed separately, and byte by byte).
import { describe, expect, it } from 'vitest';
import { ParseError, ResponseParser } from '../../harness/load/h1-parser.ts';
import { requestBytes } from '../../harness/load/h1-client.ts';

interface Parsed { status: number; headers: Record<string, string | undefined>; body: string; keepAlive: boolean | null }

/** The headers each test reads through the lookup the parser offers. */
const READ = ['server', 'content-length', 'x-served-by', 'absent'];

function parser() {
  const got: Parsed = { status: 0, headers: {}, body: '', keepAlive: null };
  const p = new ResponseParser({
    head: (status, header) => {
      got.status = status;
      got.headers = Object.fromEntries(READ.map((name) => [name, header(name)]));
    },
    data: (chunk) => (got.body += chunk.toString('latin1')),
    complete: (keepAlive) => (got.keepAlive = keepAlive),
  });
  return { p, got };
}

/** The ways `bytes` is fed: whole, at every split into two reads, and byte by byte. */
function everySplit(bytes: Buffer): number[][] {
  const splits: number[][] = [[]];
  for (let i = 1; i < bytes.length; i++) splits.push([i]);
  splits.push(Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
  return splits;
}

function feedCut(p: ResponseParser, bytes: Buffer, cuts: number[]): void {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    p.feed(bytes.subarray(from, cut));
    from = cut;
  }
}

/** Feeds `wire` whole and at every split into two reads (and byte by byte); each must parse alike. */
function parseEveryWay(wire: string, opts: { head?: boolean; end?: boolean } = {}): Parsed {
  const bytes = Buffer.from(wire, 'latin1');
  const results: Parsed[] = [];
  for (const cuts of everySplit(bytes)) {
    const { p, got } = parser();
    p.expect(opts.head ?? false);
    feedCut(p, bytes, cuts);
    if (opts.end) p.end();
    results.push(got);
  }
  for (const r of results) expect(r).toEqual(results[0]);
  return results[0];
}

/**
 * Feeds `wire` every way as parseEveryWay does, without the server's close: each must be refused
 * with a ParseError (HPE_INVALID_RESPONSE) whose message matches `message`, by the time its last
 * byte is fed (at once, not at a timeout), and never complete.
 */
function refusedEveryWay(wire: string, message: RegExp, opts: { head?: boolean } = {}): void {
  const bytes = Buffer.from(wire, 'latin1');
  for (const cuts of everySplit(bytes)) {
    const { p, got } = parser();
    p.expect(opts.head ?? false);
    let thrown: unknown;
    try {
      feedCut(p, bytes, cuts);
    } catch (err) {
      thrown = err;
    }
    expect(thrown, `${JSON.stringify(wire)} cut at ${cuts.length > 1 ? 'every byte' : (cuts[0] ?? 'no byte')}`).toBeInstanceOf(ParseError);
    expect((thrown as ParseError).code).toBe('HPE_INVALID_RESPONSE');
    expect((thrown as ParseError).message).toMatch(message);
    expect(got.keepAlive).toBe(null);
  }
}

describe('the HTTP/1.1 response parser', () => {
  it('reads a Content-Length response, any header by name whatever its case, and keeps the connection', () => {
    const r = parseEveryWay('HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nX-Served-By: green\r\nx-served-by:  blue \r\n\r\nblue\n');
    expect(r).toEqual({ status: 200, headers: { server: 'nginx', 'content-length': '5', 'x-served-by': 'blue', absent: undefined }, body: 'blue\n', keepAlive: true });
  });

  it('decodes a chunked body with extensions and trailers', () => {
    const r = parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nblue\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n');
    expect(r.body).toBe('blue0123456789');
    expect(r.keepAlive).toBe(true);
  });

  it('reads a body with no framing until the server closes, and keeps nothing open', () => {
    const r = parseEveryWay('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close', { end: true });
    expect(r).toMatchObject({ status: 200, body: 'until close', keepAlive: false });
    const { p } = parser();
    p.expect(false);
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\npartial'));
    expect(p.end()).toBe(true);
  });

  it('says when the server closes the connection: Connection: close, HTTP/1.0 without keep-alive', () => {
    expect(parseEveryWay('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')).toMatchObject({ status: 502, keepAlive: false });
    expect(parseEveryWay('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok').keepAlive).toBe(false);
    expect(parseEveryWay('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok').keepAlive).toBe(true);
  });

  it('ends bodyless responses at the head: HEAD, 204, 304, and skips 1xx heads', () => {
    expect(parseEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', { head: true })).toMatchObject({ status: 200, body: '', keepAlive: true });
    expect(parseEveryWay('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ status: 204, keepAlive: true });
    expect(parseEveryWay('HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n')).toMatchObject({ status: 304, body: '' });
    expect(parseEveryWay('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok')).toMatchObject({ status: 201, body: 'ok' });
  });

  it('is ready for the next response on the same connection', () => {
    const { p, got } = parser();
    for (const colour of ['blue', 'green']) {
      p.expect(false);
      p.feed(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${colour.length}\r\n\r\n${colour}`));
      expect(p.busy).toBe(false);
    }
    expect(got.body).toBe('bluegreen');
  });

  it('refuses what is not a response it asked for', () => {
    const bad = (wire: string) => {
      const { p } = parser();
      p.expect(false);
      return () => p.feed(Buffer.from(wire));
    };
    expect(bad('SSH-2.0-OpenSSH\r\n\r\n')).toThrow(ParseError);
    expect(bad('HTTP/1.1 2x0 OK\r\n\r\n')).toThrow(/bad status/);
    expect(bad('HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n')).toThrow(/content-length/);
    expect(bad('HTTP/1.1 200 OK\r\nbroken\r\n\r\n')).toThrow(/colon/);
    expect(bad('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunk size/);
    expect(bad(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`)).toThrow(/over/);
    const { p } = parser();
    expect(() => p.feed(Buffer.from('HTTP/1.1 408 Request Timeout\r\n\r\n'))).toThrow(/no request outstanding/);
  });
});

const OK = 'Content-Length: 2\r\n\r\nok';
const CHUNKED = 'Transfer-Encoding: chunked\r\n\r\n';

// RFC 9112, and where it leaves a choice what Node's client does (test/unit/h1-differential.test.ts
// shows Node doing it). Every case is fed at every split; a refusal must come by its last byte.
describe('the response parser per RFC 9112', () => {
  it('Content-Length: one value of digits; a second one (even equal, as llhttp refuses), a list, a sign or any other byte is refused', () => {
    expect(parseEveryWay('HTTP/1.1 200 OK\r\ncontent-LENGTH:\t 002 \r\n\r\nok')).toMatchObject({ status: 200, body: 'ok', keepAlive: true });
    refusedEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n', /a second content-length/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n', /a second content-length/);
    for (const value of ['2, 3', '2, 2', '+2', '-1', '0x2', '1 2', '', '2;', '99999999999999999999']) {
      refusedEveryWay(`HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n`, /bad content-length/);
    }
  });

  it('Transfer-Encoding: chunked only when it is the final coding; otherwise the body runs until close, never framed by a Content-Length', () => {
    expect(parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED \r\n\r\n2\r\nok\r\n0\r\n\r\n')).toMatchObject({ body: 'ok', keepAlive: true });
    expect(parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')).toMatchObject({ body: 'ok', keepAlive: true });
    for (const te of ['gzip', 'chunked, gzip', 'chunked\r\nTransfer-Encoding: gzip', 'chunked,', 'chunked;q=1', 'xchunked', 'identity']) {
      expect(parseEveryWay(`HTTP/1.1 200 OK\r\nTransfer-Encoding: ${te}\r\n\r\n2\r\nok\r\n0\r\n\r\n`, { end: true })).toMatchObject({ status: 200, body: '2\r\nok\r\n0\r\n\r\n', keepAlive: false });
    }
    // An empty Transfer-Encoding names no final coding: it leaves one named before it, or the body runs until close.
    expect(parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: \r\n\r\n2\r\nok\r\n0\r\n\r\n')).toMatchObject({ body: 'ok', keepAlive: true });
    expect(parseEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\nok', { end: true })).toMatchObject({ body: 'ok', keepAlive: false });
  });

  it('Transfer-Encoding with Content-Length is refused, in either order and whatever the codings, as Node refuses it', () => {
    refusedEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n', /Transfer-Encoding with Content-Length/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n', /Transfer-Encoding with Content-Length/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n', /Transfer-Encoding with Content-Length/);
    // An empty one too: Node 20's llhttp 9.3.1 lets the Content-Length frame it; newer llhttp refuses it ("Empty Transfer-Encoding", its test/response/transfer-encoding.md).
    refusedEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nContent-Length: 2\r\n\r\n', /Transfer-Encoding with Content-Length/);
    refusedEveryWay('HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n', /Transfer-Encoding with Content-Length/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n', /Transfer-Encoding with Content-Length/, { head: true });
  });

  it('Transfer-Encoding in an HTTP/1.0 response is decoded, and the connection closes after it (RFC 9112 6.1)', () => {
    expect(parseEveryWay('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')).toMatchObject({ body: 'ok', keepAlive: false });
  });

  it('refuses a malformed header line at once: whitespace before the colon or at the start, an empty name, a byte that is not a token', () => {
    refusedEveryWay('HTTP/1.1 200 OK\r\nContent-Length : 2\r\n', /whitespace before the colon/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nX-A\t: b\r\n', /whitespace before the colon/);
    refusedEveryWay('HTTP/1.1 200 OK\r\n: b\r\n', /empty header name/);
    refusedEveryWay('HTTP/1.1 200 OK\r\n Content-Length: 2\r\n', /obs-fold/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n', /obs-fold/);
    for (const name of ['X(A)', 'X A', 'X\xe9', 'X"A', 'X/A', 'X@A', 'X{}']) refusedEveryWay(`HTTP/1.1 200 OK\r\n${name}: b\r\n`, /in the header name|whitespace before the colon/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nbroken\r\n\r\n', /without a colon/);
    expect(parseEveryWay("HTTP/1.1 200 OK\r\nX!#$%&'*+-.^_`|~0: a:b\r\nX-Empty:\r\nContent-Length: 2\r\n\r\nok")).toMatchObject({ status: 200, body: 'ok' });
  });

  it('refuses a control character in a header value at once (NUL, CR, DEL; HTAB and obs-text are allowed)', () => {
    for (const c of ['\0', '\x01', '\x1f', '\x7f', '\r', '\x0b']) refusedEveryWay(`HTTP/1.1 200 OK\r\nX-A: a${c}b`, /control character|CR without LF/);
    expect(parseEveryWay('HTTP/1.1 200 OK\r\nServer: a\tb\xe9\r\nContent-Length: 2\r\n\r\nok').headers.server).toBe('a\tb\xe9');
  });

  it('refuses a status line that is not HTTP/1.0 or HTTP/1.1, one space and three digits in 100–599, at its first bad byte', () => {
    for (const version of ['HTTP/2.0', 'HTTP/1.x', 'HTTP/1.2', 'HTTP/0.9', 'XTTP/1.1', 'http/1.1', 'HTTP/11', ' HTTP/1.1']) refusedEveryWay(`${version} 200`, /not an HTTP\/1.0 or HTTP\/1.1 status line/);
    for (const status of ['20 OK', '2000 OK', '200x', ' 200 OK', '\t200', '2x0 OK']) refusedEveryWay(`HTTP/1.1 ${status}\r\n`, /bad status code/);
    for (const status of ['099', '000', '600', '999']) refusedEveryWay(`HTTP/1.1 ${status} Whatever\r\n\r\n`, /bad status code/);
    expect(parseEveryWay(`HTTP/1.1 200\r\n${OK}`)).toMatchObject({ status: 200, body: 'ok' });
    expect(parseEveryWay(`HTTP/1.1 599  O\x01\x7f\0\xe9K \r\n${OK}`)).toMatchObject({ status: 599, body: 'ok' });
  });

  it('refuses a bad chunk-size line at its first bad byte: not hex, empty, overflowing, whitespace, a bad extension', () => {
    for (const line of ['zz', '', '0x2', '2 ', ' 2', '2\t;a=b', '2 ;a=b', '-2', '20000000000000', 'fffffffffffffffff']) {
      refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}${line}\r\n`, /chunk size/);
    }
    for (const ext of [';', '; a=b', ';a b', ';a=b c', ';a(b)=c', ';a="b', ';a="\x01"', ';=b']) {
      refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2${ext}\r\n`, /chunk/);
    }
    const r = parseEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2;a;b=;c=d;e="f \\" g"\r\nok\r\n000000000000000003\r\nabc\r\n0;last\r\n\r\n`);
    expect(r).toMatchObject({ body: 'okabc', keepAlive: true });
  });

  it('refuses chunk data not followed by CRLF, at once', () => {
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nokX`, /no CRLF after it/);
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\rX`, /no CRLF after it/);
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\n0\r\n\r\n`, /no CRLF after it/);
  });

  it('refuses a bare LF (or a bare CR) at once wherever a line ends, as Node does with a response', () => {
    refusedEveryWay('HTTP/1.1 200 OK\n', /bare LF/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 2\n', /bare LF/);
    refusedEveryWay('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\n', /bare LF/);
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\nok`, /chunk/);
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\nX-T: 1\n`, /bare LF/);
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\n\n`, /bare LF/);
    refusedEveryWay('HTTP/1.1 200 OK\rContent-Length: 2\r\n', /CR without LF/);
    refusedEveryWay('HTTP/1.1 200\rContent-Length: 2\r\n', /bad status code/);
  });

  it('skips empty lines before a head and after a response, as llhttp does', () => {
    expect(parseEveryWay(`\r\n\n\rHTTP/1.1 200 OK\r\n${OK}\r\n`)).toMatchObject({ status: 200, body: 'ok', keepAlive: true });
    expect(parseEveryWay(`HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\n${OK}`)).toMatchObject({ status: 200, body: 'ok' });
  });

  it('a 101 Switching Protocols never keeps the connection; what follows it is not read as HTTP', () => {
    expect(parseEveryWay('HTTP/1.1 101 Switching Protocols\r\nConnection: keep-alive, upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x02hi')).toMatchObject({ status: 101, body: '', keepAlive: false });
    expect(parseEveryWay('HTTP/1.1 101 Switching Protocols\r\nContent-Length: 2\r\n\r\n')).toMatchObject({ status: 101, keepAlive: false });
  });

  it('reads Connection as a list of tokens, whatever their case: `close` closes HTTP/1.1, `keep-alive` keeps HTTP/1.0', () => {
    const keeps = (version: string, connection: string) => parseEveryWay(`HTTP/${version} 200 OK\r\n${connection}${OK}`).keepAlive;
    expect(keeps('1.1', 'Connection: xclose\r\n')).toBe(true);
    expect(keeps('1.1', 'Connection: close-x, closed\r\n')).toBe(true);
    expect(keeps('1.1', 'Connection: upgrade, close\r\n')).toBe(false);
    expect(keeps('1.1', 'Connection:  keep-alive ,\tCLOSE \r\n')).toBe(false);
    expect(keeps('1.1', 'Connection: keep-alive\r\nConnection: close\r\n')).toBe(false);
    expect(keeps('1.1', 'Proxy-Connection: close\r\n')).toBe(false); // llhttp reads it as Connection
    expect(keeps('1.0', 'Connection: foo, Keep-Alive\r\n')).toBe(true);
    expect(keeps('1.0', 'Connection: xkeep-alive\r\n')).toBe(false);
    expect(keeps('1.0', '')).toBe(false);
  });

  it('bounds a head, a trailer section and a chunk-size line at every read, however small the reads', () => {
    const feedInReads = (wire: string, size: number) => {
      const { p } = parser();
      p.expect(false);
      const bytes = Buffer.from(wire, 'latin1');
      for (let i = 0; i < bytes.length; i += size) p.feed(bytes.subarray(i, i + size));
    };
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `X-T${i}: ${'v'.repeat(60)}\r\n`).join('');
    expect(() => feedInReads(`HTTP/1.1 200 OK\r\n${lines(1000)}`, 7)).toThrow(/head over 65536 bytes/);
    expect(() => feedInReads(`HTTP/1.1 200 OK\r\n${lines(1000)}\r\n`, 100_000)).toThrow(/head over 65536 bytes/);
    expect(() => feedInReads(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\n${lines(1000)}`, 7)).toThrow(/trailers over 65536 bytes/);
    expect(() => feedInReads(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\n${lines(1000)}\r\n`, 100_000)).toThrow(/trailers over 65536 bytes/);
    expect(() => feedInReads(`HTTP/1.1 200 OK\r\n${CHUNKED}2${';a=b'.repeat(20_000)}`, 7)).toThrow(/chunk-size line over 65536 bytes/);
    // Just under the limit: read.
    const trailers = lines(900);
    expect(() => feedInReads(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\n${trailers}\r\n`, 3)).not.toThrow();
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\nbadtrailer\r\n`, /without a colon/);
    refusedEveryWay(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\nX-T : 1\r\n`, /whitespace before the colon/);
  });

  it('refuses bytes nobody asked for after a response: in its last read the response is refused, in a later read they are', () => {
    /** `extra` after the response `wire`: at every split, refused in the response's last read, or after it completed. */
    const unasked = (wire: string, extra: string, opts: { head?: boolean } = {}) => {
      const bytes = Buffer.from(wire + extra, 'latin1');
      const bad = wire.length + extra.search(/[^\r\n]/); // the first byte that is not an empty line's
      for (const cuts of everySplit(bytes)) {
        const { p, got } = parser();
        p.expect(opts.head ?? false);
        const readEnd = [...cuts, bytes.length].find((cut) => cut >= wire.length)!; // of the read with the response's last byte
        expect(() => feedCut(p, bytes, cuts)).toThrow(readEnd > bad ? /bytes after the end of the response, which nobody asked for/ : /no request outstanding/);
        expect(got.keepAlive).toBe(readEnd > bad ? null : true);
      }
    };
    unasked(`HTTP/1.1 200 OK\r\n${OK}`, 'EXTRA');
    unasked(`HTTP/1.1 200 OK\r\n${OK}`, `HTTP/1.1 200 OK\r\n${OK}`);
    unasked(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n`, 'ok', { head: true });
    unasked('HTTP/1.1 204 No Content\r\n\r\n', '\r\nX');
    unasked(`HTTP/1.1 200 OK\r\n${CHUNKED}2\r\nok\r\n0\r\n\r\n`, 'X');
    // Empty lines are not refused, in the same read or a later one (llhttp skips them too).
    expect(parseEveryWay(`HTTP/1.1 200 OK\r\n${OK}\r\n\r\n`).keepAlive).toBe(true);
  });
});

describe('the request bytes', () => {
  it('are what undici writes: request line, host, headers, connection, a body with its length', () => {
    expect(requestBytes('127.0.0.1:8080', { method: 'GET', path: '/a?b=1', headers: { 'X-Test': '1' } }).toString()).toBe(
      'GET /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nx-test: 1\r\nconnection: keep-alive\r\n\r\n',
    );
    expect(requestBytes('h:1', { method: 'POST', path: '/', headers: { Connection: 'close', Host: 'shop.example', 'content-type': 'application/json' }, body: '{"é":1}' }).toString()).toBe(
      'POST / HTTP/1.1\r\nhost: shop.example\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 8\r\n\r\n{"é":1}',
    );
  });

  it('refuse, naming it, a header the wire cannot carry: a name that is not a token, a value with CR, LF, NUL or another control', () => {
    const build = (headers: Record<string, string>) => () => requestBytes('h:1', { method: 'GET', path: '/', headers });
    expect(build({ 'X-Ok': 'a\tb é' })).not.toThrow();
    expect(build({ 'X Bad': '1' })).toThrow(/request header name "X Bad" is not a token/);
    expect(build({ 'X-A:': '1' })).toThrow(/"X-A:" is not a token/);
    expect(build({ '': '1' })).toThrow(/not a token/);
    expect(build({ 'X-Inject': 'a\r\nX-Evil: 1' })).toThrow(/request header "X-Inject": its value holds a control character/);
    expect(build({ 'X-Lf': 'a\nb' })).toThrow(/"X-Lf"/);
    expect(build({ 'X-Nul': 'a\0b' })).toThrow(/"X-Nul"/);
    expect(build({ 'X-Wide': 'a\u20acb' })).toThrow(/"X-Wide": its value holds a character past Latin-1/);
    expect(build({ Host: 'shop.example\r\nX: 1' })).toThrow(/"Host"/);
  });
});
