// The load's HTTP/1.1 client on real sockets, against servers whose every byte the test controls:
// keep-alive reuse, the server's close and reset at each moment of a request (the codes the
// reports explain), the three timeouts, and a real Node server's chunked responses.
import { createServer as createHttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { H1Client } from '../../harness/load/h1-client.ts';
import { closeServers, listen, request, servers } from './byte-server.ts';

afterEach(closeServers);

function client(port: number, timeoutMs = 1000) {
  const opened = { count: 0 };
  const c = new H1Client(`http://127.0.0.1:${port}`, { timeoutMs, opening: () => opened.count++ });
  return { c, opened };
}

const OK = (body = 'blue') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('HTTP/1.1 load client', () => {
  it('reuses its connection until a response says Connection: close, then opens a new one', async () => {
    const server = await listen((s, n) => s.write(n === 2 ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok' : OK()));
    const { c, opened } = client(server.port);
    expect(await request(c)).toMatchObject({ status: 200, body: 'blue', code: '', written: true });
    expect(await request(c)).toMatchObject({ status: 200, body: 'ok' });
    expect(await request(c)).toMatchObject({ status: 200, body: 'blue' });
    expect(opened.count).toBe(2);
    expect(server.connections()).toBe(2);
    await c.destroy();
  });

  it('a server that closes with the request unanswered: UND_ERR_SOCKET; one that resets: ECONNRESET', async () => {
    const closing = await listen((s) => s.end());
    const a = client(closing.port);
    expect(await request(a.c)).toMatchObject({ status: 0, code: 'UND_ERR_SOCKET', written: true });
    const resetting = await listen((s) => s.resetAndDestroy());
    const b = client(resetting.port);
    expect(await request(b.c)).toMatchObject({ status: 0, code: 'ECONNRESET' });
    // Closed mid-body: the head arrived, the body did not end.
    const cut = await listen((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nblue'));
    const d = client(cut.port);
    expect(await request(d.c)).toMatchObject({ status: 200, body: 'blue', code: 'UND_ERR_SOCKET' });
  });

  it('an idle connection the server closed is replaced without an error', async () => {
    const server = await listen((s) => {
      s.write(OK());
      setTimeout(() => s.end(), 20);
    });
    const { c, opened } = client(server.port);
    expect((await request(c)).code).toBe('');
    await new Promise((r) => setTimeout(r, 100));
    expect((await request(c)).code).toBe('');
    expect(opened.count).toBe(2);
    await c.destroy();
  });

  it('times out a missing head and a stalled body, not an idle keep-alive connection', async () => {
    const server = await listen((s, n) => {
      if (n === 1) s.write(OK());
      else if (n === 2) s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nblue');
    });
    const { c } = client(server.port, 300);
    expect((await request(c)).code).toBe('');
    await new Promise((r) => setTimeout(r, 500)); // idle longer than the timeout: still open
    const stalled = await request(c);
    expect(stalled).toMatchObject({ status: 200, code: 'UND_ERR_BODY_TIMEOUT' });
    expect(stalled.ms).toBeGreaterThanOrEqual(250);
    const silent = await listen(() => {});
    const s = client(silent.port, 300);
    const head = await request(s.c);
    expect(head).toMatchObject({ status: 0, code: 'UND_ERR_HEADERS_TIMEOUT', written: true });
    expect(head.ms).toBeGreaterThanOrEqual(250);
    expect(head.ms).toBeLessThan(2000);
  });

  it('nothing listening: ECONNREFUSED, never written', async () => {
    const server = await listen(() => {});
    const port = server.port;
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    expect(await request(client(port).c)).toMatchObject({ code: 'ECONNREFUSED', written: false });
  });

  it("reads a real Node server's chunked, slow and HEAD responses", async () => {
    const http = createHttpServer((req, res) => {
      res.setHeader('x-served-by', 'green');
      if (req.method === 'HEAD') return res.end();
      res.write('gr');
      setTimeout(() => res.end('een'), 30);
    });
    servers.push(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const { c, opened } = client((http.address() as { port: number }).port);
    for (let i = 0; i < 3; i++) expect(await request(c)).toMatchObject({ status: 200, body: 'green', code: '' });
    expect(await request(c, 'HEAD')).toMatchObject({ status: 200, body: '', code: '' });
    expect(await request(c)).toMatchObject({ status: 200, body: 'green' });
    expect(opened.count).toBe(1);
    await c.destroy();
  });
});
