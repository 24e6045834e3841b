// The load client's HTTP/1.1 response parser: every framing, and every way a response can be
// split across socket reads (each split point of each example is fed separately).
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

/** Feeds `wire` whole and at every split into two reads (and byte by byte); each must parse alike. */
function parseEveryWay(wire: string, opts: { head?: boolean; end?: boolean } = {}): Parsed {
  const bytes = Buffer.from(wire, 'latin1');
  const results: Parsed[] = [];
  const splits: number[][] = [[]];
  for (let i = 1; i < bytes.length; i++) splits.push([i]);
  splits.push(Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
  for (const cuts of splits) {
    const { p, got } = parser();
    p.expect(opts.head ?? false);
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      p.feed(bytes.subarray(from, cut));
      from = cut;
    }
    if (opts.end) p.end();
    results.push(got);
  }
  for (const r of results) expect(r).toEqual(results[0]);
  return results[0];
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

describe('the request bytes', () => {
  it('are what undici writes: request line, host, headers, connection, a body with its length', () => {
    expect(requestBytes('127.0.0.1:8080', { method: 'GET', path: '/a?b=1', headers: { 'X-Test': '1' } }).toString()).toBe(
      'GET /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nx-test: 1\r\nconnection: keep-alive\r\n\r\n',
    );
    expect(requestBytes('h:1', { method: 'POST', path: '/', headers: { Connection: 'close', Host: 'shop.example', 'content-type': 'application/json' }, body: '{"é":1}' }).toString()).toBe(
      'POST / HTTP/1.1\r\nhost: shop.example\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 8\r\n\r\n{"é":1}',
    );
  });
});
