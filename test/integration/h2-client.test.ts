// The load's HTTP/2 client against servers whose behaviour the test controls: a stream the
// server's GOAWAY still covers completes (undici 7 would fail it), the next request opens a new
// connection, a stream the GOAWAY does not cover is refused, and a silent server times out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Stream } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLoad } from '../../harness/load/generator.ts';
import { makeCertificate, type TlsFiles } from '../../harness/stack/proxy/tls-cert.ts';
import { loadOptions } from './helpers.ts';

let dir = '';
let tls: TlsFiles;
let server: Http2SecureServer | null = null;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'downtime-test-h2-'));
  tls = await makeCertificate(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  const s = server;
  server = null;
  await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
});

/** An HTTP/2 server on 127.0.0.1 whose streams `onStream` answers (n: the stream's number on its session). */
function listen(onStream: (stream: ServerHttp2Stream, n: number) => void): Promise<number> {
  server = createSecureServer({ cert: tls.pem, key: readFileSync(tls.key, 'utf8') });
  server.on('session', (session) => {
    let n = 0;
    session.on('stream', (stream) => onStream(stream, ++n));
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
}

async function load(port: number, maxRequests: number, timeoutMs = 2000) {
  const running = await startLoad(loadOptions(`https://127.0.0.1:${port}/`, { http2: true, tls: { ca: tls.pem }, connections: 1, timeoutMs, maxRequests }));
  await new Promise((r) => setTimeout(r, timeoutMs + 1000));
  const { records: r } = await running.stop();
  return Array.from({ length: r.count }, (_, i) => ({ code: r.errorCodes[r.error[i]] || 'ok', conn: r.conn[i], reused: r.reused[i], colour: r.colour[i] }));
}

describe('HTTP/2 load client', () => {
  it('finishes a stream the GOAWAY still covers, then opens a new connection', async () => {
    const port = await listen((stream, n) => {
      // Every session's first stream: GOAWAY naming it as the last, then its answer.
      if (n === 1) stream.session!.goaway(0, stream.id);
      setTimeout(() => {
        stream.respond({ ':status': 200, 'x-served-by': 'green' });
        stream.end('ok');
      }, 20);
    });
    const rows = await load(port, 3);
    expect(rows.map((r) => r.code)).toEqual(['ok', 'ok', 'ok']);
    expect(rows.map((r) => r.conn)).toEqual([0, 1, 2]);
    expect(rows.every((r) => r.colour === 2)).toBe(true);
  });

  it('reuses a connection, and a stream the server refuses is recorded as H2_REFUSED_STREAM on it', async () => {
    const port = await listen((stream, n) => {
      stream.on('error', () => {}); // the server's side of the refusal
      if (n === 2) stream.close(7); // REFUSED_STREAM, as nghttp2 answers a stream above GOAWAY's last
      else {
        stream.respond({ ':status': 200 });
        stream.end('ok');
      }
    });
    const rows = await load(port, 3);
    expect(rows.map((r) => [r.code, r.reused])).toEqual([
      ['ok', 0],
      ['H2_REFUSED_STREAM', 1],
      ['ok', 1],
    ]);
  });

  it('a server that never answers: H2_TIMEOUT after load.timeoutMs', async () => {
    const port = await listen(() => {});
    const started = performance.now();
    const rows = await load(port, 1, 500);
    expect(rows.map((r) => r.code)).toEqual(['H2_TIMEOUT']);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
