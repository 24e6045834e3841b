// The load's HTTP/1.1 response parser against Node's own client (llhttp, not lenient), byte for
// byte: each case's bytes are written by a raw TCP server on 127.0.0.1 to `http.request`, which
// then ends the connection (`close`) or keeps it open, and fed to our parser. The outcomes must
// agree: accepted or refused, and for an accepted response its status, body and whether the
// connection may be kept. Cases in the spirit of llhttp's test/response/*.md, written anew.
//
// Where we differ from Node on purpose, the case says what each does and why, and the test
// asserts both halves of the difference, so a change on either side shows.
import http from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseError, ResponseParser } from '../../harness/load/h1-parser.ts';

/** refused: a parse error (HPE_*); incomplete: the server closed before the response ended; pending: still waiting */
type Outcome =
  | { verdict: 'complete'; status: number; body: string; keepAlive: boolean }
  | { verdict: 'refused' | 'incomplete' | 'pending' };

interface Case {
  name: string;
  wire: string;
  /** the request is a HEAD */
  head?: boolean;
  /** the server ends the connection after the bytes (else it keeps it open: a refusal must come without the close) */
  close?: boolean;
  /** a deliberate difference: what Node does, what we do, and why */
  differs?: { node: Outcome; ours: Outcome; why: string };
}

const H = 'HTTP/1.1 200 OK\r\n';
const OK = 'Content-Length: 2\r\n\r\nok';
const CH = 'Transfer-Encoding: chunked\r\n\r\n';
const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-Field-${i}: ${'v'.repeat(90)}\r\n`).join('');
const refused: Outcome = { verdict: 'refused' };

const CASES: Case[] = [
  // Responses both read.
  { name: 'a Content-Length body', wire: `${H}Server: nginx\r\nX-Served-By: blue\r\nContent-Length: 5\r\n\r\nblue\n` },
  { name: "nginx's own head", wire: `${H}Server: nginx/1.22.1\r\nDate: Thu, 26 Nov 2026 04:48:19 GMT\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok` },
  { name: 'a chunked body with extensions (bare, token, quoted) and trailers', wire: `${H}${CH}4;a=b;c\r\nblue\r\n6;q="x; \\"y"\r\n green\r\n0;last\r\nX-T: 1\r\nX-U:\r\n\r\n` },
  { name: 'chunk sizes in upper-case hex, with leading zeros', wire: `${H}${CH}A\r\n0123456789\r\n000000000000000002\r\nok\r\n0\r\n\r\n` },
  { name: 'no framing: the body runs until the server closes', wire: `${H}Content-Type: text/plain\r\n\r\nuntil close`, close: true },
  { name: 'HTTP/1.0 without keep-alive', wire: `HTTP/1.0 200 OK\r\n${OK}` },
  { name: 'HTTP/1.0 with keep-alive in a list', wire: `HTTP/1.0 200 OK\r\nConnection: foo, Keep-Alive\r\n${OK}` },
  { name: 'HTTP/1.0 until close', wire: 'HTTP/1.0 200 OK\r\n\r\nbody', close: true },
  { name: 'no reason phrase', wire: `HTTP/1.1 200\r\n${OK}` },
  { name: 'a reason phrase with controls, obs-text and two spaces before it', wire: `HTTP/1.1 404  Not\x01 F\xe9und\t\r\n${OK}` },
  { name: '100 Continue, then the response', wire: `HTTP/1.1 100 Continue\r\n\r\n${H}${OK}` },
  { name: '103 Early Hints with a Link, then the response', wire: `HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n${H}${OK}` },
  { name: 'a 1xx with a Content-Length has no body', wire: `HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n${H}${OK}` },
  { name: 'an empty line between a 1xx and the response', wire: `HTTP/1.1 100 Continue\r\n\r\n\r\n${H}${OK}` },
  { name: '204 with a Content-Length has no body', wire: 'HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n' },
  { name: '204 with chunked has no body', wire: `HTTP/1.1 204 No Content\r\n${CH}` },
  { name: '304 with a Content-Length has no body', wire: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n' },
  { name: 'a HEAD response with a Content-Length', wire: `${H}Content-Length: 99\r\n\r\n`, head: true },
  { name: 'a HEAD response with chunked', wire: `${H}${CH}`, head: true },
  { name: 'a Content-Length with leading zeros and trailing spaces, no space after the colon', wire: `${H}content-length:002  \r\n\r\nok` },
  { name: 'Content-Length: 0', wire: `${H}Content-Length: 0\r\n\r\n` },
  { name: 'a header name of every tchar, a value with a colon', wire: `${H}X!#$%&'*+-.^_\`|~09az: a:b\r\n${OK}` },
  { name: 'an empty value, a value of spaces, a value with HTAB and obs-text', wire: `${H}X-A:\r\nX-B:    \r\nX-C: a\tb\xe9\r\n${OK}` },
  { name: 'empty lines (CRLF, LF, CR) before the status line', wire: `\r\n\n\r${H}${OK}` },
  { name: 'an empty line after the body', wire: `${H}${OK}\r\n` },
  { name: 'a trailer section of 5 KiB', wire: `${H}${CH}2\r\nok\r\n0\r\n${fields(50)}\r\n` },
  // Connection.
  { name: 'Connection: close', wire: `${H}Connection: close\r\n${OK}` },
  { name: 'Connection: CLOSE', wire: `${H}Connection: CLOSE\r\n${OK}` },
  { name: 'Connection: xclose is not close', wire: `${H}Connection: xclose\r\n${OK}` },
  { name: 'Connection: close-x, close;x are not close', wire: `${H}Connection: close-x, close;x\r\n${OK}` },
  { name: 'Connection: upgrade, close', wire: `${H}Connection: upgrade, close\r\n${OK}` },
  { name: 'Connection:  keep-alive ,  close (spaces around tokens)', wire: `${H}Connection:  keep-alive ,  close \r\n${OK}` },
  { name: 'two Connection headers, keep-alive then close', wire: `${H}Connection: keep-alive\r\nConnection: close\r\n${OK}` },
  { name: 'HTTP/1.0 Connection: xkeep-alive is not keep-alive', wire: `HTTP/1.0 200 OK\r\nConnection: xkeep-alive\r\n${OK}` },
  { name: 'HTTP/1.0 Connection: keep-alive, close keeps it (llhttp reads only keep-alive in 1.0)', wire: `HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n${OK}` },
  { name: 'Proxy-Connection: close closes', wire: `${H}Proxy-Connection: close\r\n${OK}` },
  // Transfer-Encoding.
  { name: 'Transfer-Encoding: gzip runs until close', wire: `${H}Transfer-Encoding: gzip\r\n\r\nabc`, close: true },
  { name: 'Transfer-Encoding: chunked, gzip runs until close', wire: `${H}Transfer-Encoding: chunked, gzip\r\n\r\nabc`, close: true },
  { name: 'Transfer-Encoding: gzip, chunked is chunked', wire: `${H}Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n` },
  { name: 'Transfer-Encoding: chunked then identity runs until close', wire: `${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n2\r\nok\r\n0\r\n\r\n`, close: true },
  { name: 'Transfer-Encoding: gzip then chunked is chunked', wire: `${H}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n` },
  { name: 'Transfer-Encoding: chunkedchunked is not chunked', wire: `${H}Transfer-Encoding: chunkedchunked\r\n\r\n2\r\nok\r\n0\r\n\r\n`, close: true },
  { name: 'Transfer-Encoding: chunked, (a trailing comma) is not chunked', wire: `${H}Transfer-Encoding: chunked,\r\n\r\n2\r\nok\r\n0\r\n\r\n`, close: true },
  { name: 'Transfer-Encoding: chunked;q=1 is not chunked', wire: `${H}Transfer-Encoding: chunked;q=1\r\n\r\n2\r\nok\r\n0\r\n\r\n`, close: true },
  { name: 'Transfer-Encoding: ,CHUNKED (upper case, trailing spaces)', wire: `${H}Transfer-Encoding: ,CHUNKED  \r\n\r\n2\r\nok\r\n0\r\n\r\n` },
  { name: 'Transfer-Encoding then Content-Length', wire: `${H}Transfer-Encoding: chunked\r\nContent-Length: 10\r\n\r\n2\r\nok\r\n0\r\n\r\n` },
  { name: 'Content-Length then Transfer-Encoding', wire: `${H}Content-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n` },
  { name: 'Transfer-Encoding: gzip with Content-Length', wire: `${H}Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nok` },
  { name: '204 with Transfer-Encoding and Content-Length', wire: `HTTP/1.1 204 No Content\r\n${'Transfer-Encoding: chunked\r\n'}Content-Length: 2\r\n\r\n` },
  // Content-Length.
  { name: 'two equal Content-Lengths', wire: `${H}Content-Length: 2\r\nContent-Length: 2\r\n\r\nok` },
  { name: 'two different Content-Lengths', wire: `${H}Content-Length: 2\r\nContent-Length: 3\r\n\r\nok` },
  { name: 'Content-Length: 2, 2', wire: `${H}Content-Length: 2, 2\r\n\r\nok` },
  { name: 'Content-Length: 2, 3', wire: `${H}Content-Length: 2, 3\r\n\r\nok` },
  { name: 'Content-Length: +2', wire: `${H}Content-Length: +2\r\n\r\nok` },
  { name: 'Content-Length: -1', wire: `${H}Content-Length: -1\r\n\r\nok` },
  { name: 'an empty Content-Length', wire: `${H}Content-Length: \r\n\r\nok` },
  { name: 'Content-Length: 1 2', wire: `${H}Content-Length: 1 2\r\n\r\nok` },
  { name: 'Content-Length: 0x2', wire: `${H}Content-Length: 0x2\r\n\r\nok` },
  { name: 'a Content-Length of 20 digits', wire: `${H}Content-Length: 99999999999999999999\r\n\r\nok` },
  // Header lines.
  { name: 'a space before the colon', wire: `${H}Content-Length : 2\r\n\r\nok` },
  { name: 'a tab before the colon', wire: `${H}X-A\t: 1\r\n${OK}` },
  { name: 'an empty header name', wire: `${H}: 1\r\n${OK}` },
  { name: 'a ( in a header name', wire: `${H}X(A): 1\r\n${OK}` },
  { name: 'a space inside a header name', wire: `${H}X A: 1\r\n${OK}` },
  { name: 'obs-text in a header name', wire: `${H}X\xe9: 1\r\n${OK}` },
  { name: 'a header line without a colon', wire: `${H}broken\r\n${OK}` },
  { name: 'obs-fold (a continuation line)', wire: `${H}X-A: a\r\n b\r\n${OK}` },
  { name: 'whitespace before the first header', wire: `${H} Content-Length: 2\r\n\r\nok` },
  { name: 'NUL in a value', wire: `${H}X-A: a\0b\r\n${OK}` },
  { name: '\\x01 in a value', wire: `${H}X-A: a\x01b\r\n${OK}` },
  { name: 'DEL in a value', wire: `${H}X-A: a\x7fb\r\n${OK}` },
  { name: 'a bare CR in a value', wire: `${H}X-A: a\rb\r\n${OK}` },
  { name: 'a head of 70 KiB', wire: `${H}${fields(700)}${OK}` },
  // Status lines.
  { name: 'HTTP/1.x', wire: `HTTP/1.x 200 OK\r\n${OK}` },
  { name: 'HTTP/1.2', wire: `HTTP/1.2 200 OK\r\n${OK}` },
  { name: 'HTTP/3.0', wire: `HTTP/3.0 200 OK\r\n${OK}` },
  { name: 'HTTP/11', wire: `HTTP/11 200 OK\r\n${OK}` },
  { name: 'HTTP/01.1', wire: `HTTP/01.1 200 OK\r\n${OK}` },
  { name: 'XTTP/1.1', wire: `XTTP/1.1 200 OK\r\n${OK}` },
  { name: 'HTP/1.1', wire: `HTP/1.1 200 OK\r\n${OK}` },
  { name: 'http/1.1 in lower case', wire: `http/1.1 200 OK\r\n${OK}` },
  { name: 'a space before HTTP/', wire: ` ${H}${OK}` },
  { name: 'a two-digit status', wire: `HTTP/1.1 20 OK\r\n${OK}` },
  { name: 'a four-digit status', wire: `HTTP/1.1 2000 OK\r\n${OK}` },
  { name: 'a status followed by a letter', wire: `HTTP/1.1 200x\r\n${OK}` },
  { name: 'two spaces before the status', wire: `HTTP/1.1  200 OK\r\n${OK}` },
  { name: 'a tab after the version', wire: `HTTP/1.1\t200 OK\r\n${OK}` },
  // Line ends.
  { name: 'only LFs', wire: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok' },
  { name: 'a bare LF after the status line', wire: `HTTP/1.1 200 OK\n${OK}` },
  { name: 'a bare LF ending a header', wire: `${H}Content-Length: 2\n\r\nok` },
  { name: 'a bare LF ending the head', wire: `${H}Content-Length: 2\r\n\nok` },
  { name: 'a bare CR ending the status line', wire: `HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nok` },
  { name: 'a bare LF after a chunk size', wire: `${H}${CH}2\nok\r\n0\r\n\r\n` },
  { name: 'a bare LF after chunk data', wire: `${H}${CH}2\r\nok\n0\r\n\r\n` },
  { name: 'a bare LF ending a trailer', wire: `${H}${CH}2\r\nok\r\n0\r\nX-T: 1\n\r\n` },
  { name: 'a bare LF ending the trailers', wire: `${H}${CH}2\r\nok\r\n0\r\n\n` },
  // Chunks.
  { name: 'a chunk size that is not hex', wire: `${H}${CH}zz\r\nok\r\n0\r\n\r\n` },
  { name: 'an empty chunk size', wire: `${H}${CH}\r\nok\r\n0\r\n\r\n` },
  { name: 'a chunk size of 18 hex digits', wire: `${H}${CH}ffffffffffffffffff\r\nok\r\n0\r\n\r\n` },
  { name: 'a space after the chunk size', wire: `${H}${CH}2 \r\nok\r\n0\r\n\r\n` },
  { name: 'a chunk size with 0x', wire: `${H}${CH}0x2\r\nok\r\n0\r\n\r\n` },
  { name: 'an extension without a semicolon', wire: `${H}${CH}2 ext\r\nok\r\n0\r\n\r\n` },
  { name: 'a semicolon without an extension', wire: `${H}${CH}2;\r\nok\r\n0\r\n\r\n` },
  { name: 'a space after the semicolon', wire: `${H}${CH}2; a=b\r\nok\r\n0\r\n\r\n` },
  { name: 'a space in an extension value', wire: `${H}${CH}2;a=b c\r\nok\r\n0\r\n\r\n` },
  { name: 'an unbalanced quote in an extension', wire: `${H}${CH}2;a="b\r\nok\r\n0\r\n\r\n` },
  { name: 'a control character in an extension', wire: `${H}${CH}2;a=\x01\r\nok\r\n0\r\n\r\n` },
  { name: 'chunk data longer than its size', wire: `${H}${CH}2\r\nokX\r\n0\r\n\r\n` },
  { name: 'a bare CR after chunk data', wire: `${H}${CH}2\r\nok\rX0\r\n\r\n` },
  { name: 'a trailer without a colon', wire: `${H}${CH}2\r\nok\r\n0\r\nbroken\r\n\r\n` },
  { name: 'a space before a trailer colon', wire: `${H}${CH}2\r\nok\r\n0\r\nX-T : 1\r\n\r\n` },
  { name: 'a control character in a trailer', wire: `${H}${CH}2\r\nok\r\n0\r\nX-T: a\x01\r\n\r\n` },
  { name: 'obs-fold in the trailers', wire: `${H}${CH}2\r\nok\r\n0\r\nX-T: a\r\n b\r\n\r\n` },
  // Bytes nobody asked for, and a close before the end.
  { name: 'a body longer than its Content-Length', wire: `${H}${OK}EXTRA` },
  { name: 'a body after a HEAD response', wire: `${H}${OK}`, head: true },
  { name: 'a Content-Length body cut by the close', wire: `${H}Content-Length: 10\r\n\r\nblue`, close: true },
  { name: 'a chunked body cut by the close', wire: `${H}${CH}4\r\nblue\r\n`, close: true },
  { name: 'the trailers cut by the close', wire: `${H}${CH}2\r\nok\r\n0\r\n`, close: true },
  { name: 'a 100 Continue, then the close', wire: 'HTTP/1.1 100 Continue\r\n\r\n', close: true },
  { name: 'a Content-Length body still arriving', wire: `${H}Content-Length: 10\r\n\r\nblue` },
  { name: 'a head still arriving', wire: `${H}Content-Length: 2\r\nX-A: b` },
  { name: 'a 101 with Upgrade: the connection is never reused', wire: 'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00' },

  // Deliberate differences.
  {
    name: 'HTTP/2.0 in a status line',
    wire: `HTTP/2.0 200 OK\r\n${OK}`,
    differs: { node: { verdict: 'complete', status: 200, body: 'ok', keepAlive: false }, ours: refused, why: 'HTTP/2 is not textual: a server answering an HTTP/1.1 request with an HTTP/2.0 status line is broken (issue 19: HTTP/1.x only)' },
  },
  {
    name: 'HTTP/0.9 in a status line',
    wire: `HTTP/0.9 200 OK\r\n${OK}`,
    differs: { node: { verdict: 'complete', status: 200, body: 'ok', keepAlive: false }, ours: refused, why: 'HTTP/0.9 has no status line at all: this one is made up' },
  },
  {
    name: 'status 600',
    wire: `HTTP/1.1 600 Whatever\r\n${OK}`,
    differs: { node: { verdict: 'complete', status: 600, body: 'ok', keepAlive: true }, ours: refused, why: 'RFC 9110 15: a code outside 100–599 is invalid; refused, it is counted as a failure with a code the reports explain, not as a status no success range expects' },
  },
  {
    name: 'status 099',
    wire: `HTTP/1.1 099 Whatever\r\n${OK}`,
    differs: { node: { verdict: 'complete', status: 99, body: 'ok', keepAlive: true }, ours: refused, why: 'as status 600' },
  },
  {
    name: 'a 101 without Upgrade',
    wire: 'HTTP/1.1 101 Switching Protocols\r\nConnection: keep-alive\r\n\r\n',
    differs: { node: { verdict: 'complete', status: 101, body: '', keepAlive: true }, ours: { verdict: 'complete', status: 101, body: '', keepAlive: false }, why: 'after a 101 the connection speaks another protocol (RFC 9110 15.2.2): it never goes back to the pool, Upgrade header or not' },
  },
  {
    name: 'Transfer-Encoding in HTTP/1.0 with keep-alive',
    wire: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    differs: { node: { verdict: 'complete', status: 200, body: 'ok', keepAlive: true }, ours: { verdict: 'complete', status: 200, body: 'ok', keepAlive: false }, why: 'RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 message means the framing may be faulty; the connection closes after it' },
  },
  {
    name: 'a HEAD response without framing',
    wire: `${H}\r\n`,
    head: true,
    differs: { node: { verdict: 'complete', status: 200, body: '', keepAlive: false }, ours: { verdict: 'complete', status: 200, body: '', keepAlive: true }, why: 'RFC 9112 6.3: a HEAD response ends at its head whatever its headers, so nothing is left to read until close; Node closes anyway' },
  },
  {
    name: 'a second response in the same read',
    wire: `${H}${OK}${H}${OK}`,
    differs: { node: { verdict: 'complete', status: 200, body: 'ok', keepAlive: true }, ours: refused, why: 'one request at a time: a second response nobody asked for is a failure to record (issue 19); Node passes on the first and says nothing of the second' },
  },
  {
    name: 'a head of 20 KiB',
    wire: `${H}${fields(200)}${OK}`,
    differs: { node: refused, ours: { verdict: 'complete', status: 200, body: 'ok', keepAlive: true }, why: "Node's head limit is 16 KiB (--max-http-header-size); ours is 64 KiB (MAX_HEAD_BYTES), as it was" },
  },
];

const sockets = new Set<Socket>();
const written = new Map<number, () => void>();
let server: Server;
let port = 0;
const nodeOutcomes: Outcome[] = [];

/** What Node's client makes of case `index`. */
function viaNode(index: number): Promise<Outcome> {
  const c = CASES[index];
  return new Promise((resolve) => {
    const agent = new http.Agent({ keepAlive: true });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      agent.destroy();
      resolve(o);
    };
    const onError = (err: Error & { code?: string }) => settle({ verdict: err.code?.startsWith('HPE_') ? 'refused' : 'incomplete' });
    const req = http.request({ host: '127.0.0.1', port, method: c.head ? 'HEAD' : 'GET', path: `/${index}`, agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('latin1')));
      // A parse error of bytes after the response comes before its 'end'; give it a moment anyway.
      res.on('end', () => setTimeout(() => settle({ verdict: 'complete', status: res.statusCode!, body, keepAlive: req.shouldKeepAlive }), 20));
      res.on('error', onError);
    });
    req.on('error', onError);
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      settle({ verdict: 'complete', status: res.statusCode!, body: '', keepAlive: false });
    });
    req.end();
    // Still waiting well after the server wrote everything: pending.
    written.set(index, () => (timer = setTimeout(() => settle({ verdict: 'pending' }), 300)));
  });
}

/** What our parser makes of a case, fed in one read. */
function viaOurs(c: Case): Outcome {
  let status = 0;
  let body = '';
  let keepAlive: boolean | null = null;
  const p = new ResponseParser({ head: (s) => (status = s), data: (d) => (body += d.toString('latin1')), complete: (k) => (keepAlive = k) });
  p.expect(c.head ?? false);
  try {
    p.feed(Buffer.from(c.wire, 'latin1'));
    if (c.close && keepAlive === null) p.end();
  } catch (err) {
    if (err instanceof ParseError) return { verdict: 'refused' };
    throw err;
  }
  if (keepAlive === null) return { verdict: c.close ? 'incomplete' : 'pending' };
  return { verdict: 'complete', status, body, keepAlive };
}

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const index = Number(/^[A-Z]+ \/(\d+) /.exec(head)![1]);
      const bytes = Buffer.from(CASES[index].wire, 'latin1');
      const done = () => written.get(index)?.();
      if (CASES[index].close) socket.end(bytes, done);
      else socket.write(bytes, done);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  nodeOutcomes.push(...(await Promise.all(CASES.map((_, i) => viaNode(i)))));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("our HTTP/1.1 response parser and Node's client", () => {
  it('have at least 40 cases they agree on, each named once', () => {
    expect(CASES.filter((c) => !c.differs).length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_, i) => {
    const c = CASES[i];
    const ours = viaOurs(c);
    if (!c.differs) expect(ours).toEqual(nodeOutcomes[i]);
    else {
      expect(nodeOutcomes[i], `Node: ${c.differs.why}`).toEqual(c.differs.node);
      expect(ours, `ours: ${c.differs.why}`).toEqual(c.differs.ours);
    }
  });
});
