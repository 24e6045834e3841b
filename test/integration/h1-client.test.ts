// The load's HTTP/1.1 client on real sockets, against servers whose every byte the test controls:
// keep-alive reuse, the server's close and reset at each moment of a request (the codes the
// reports explain), the three timeouts, and a real Node server's chunked responses.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestHandler } from '../../harness/load/client-api.ts';
import { H1Client } from '../../harness/load/h1-client.ts';

const servers: { close(cb: () => void): void }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A TCP server on 127.0.0.1; `onRequest` is called with each complete request head received. */
function listen(onRequest: (socket: Socket, n: number) => void): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    let n = 0;
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        onRequest(socket, ++n);
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, connections: () => connections })));
}

interface Outcome { status: number; body: string; code: string; written: boolean; ms: number }

/** One request on `client`, resolved with what its handler saw. */
function request(client: H1Client, method = 'GET'): Promise<Outcome> {
  const t0 = performance.now();
  const got: Outcome = { status: 0, body: '', code: '', written: false, ms: 0 };
  return new Promise((resolve) => {
    const handler: RequestHandler = {
      onWritten: () => (got.written = true),
      onHeaders: (status) => void (got.status = status),
      onData: (chunk) => void (got.body += chunk.toString()),
      onComplete: () => resolve({ ...got, ms: performance.now() - t0 }),
      onError: (err) => resolve({ ...got, code: (err as Error & { code: string }).code, ms: performance.now() - t0 }),
    };
    client.dispatch({ method, path: '/', headers: {} }, handler);
  });
}

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
