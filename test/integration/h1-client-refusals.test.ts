// What the load's HTTP/1.1 client records when a server's bytes are not a response it can trust
// (issue 19): HPE_INVALID_RESPONSE at once, not a timeout later, and never dropped silently;
// and the requests it refuses to build. Servers on 127.0.0.1 whose every byte the test controls.
import { afterEach, describe, expect, it } from 'vitest';
import { H1Client } from '../../harness/load/h1-client.ts';
import { closeServers, listen, request } from './byte-server.ts';

afterEach(closeServers);

const client = (port: number) => new H1Client(`http://127.0.0.1:${port}`, { timeoutMs: 2000, opening: () => {} });
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

describe('HTTP/1.1 load client, refusing', () => {
  it('a malformed head (bare LF line ends) fails at once with HPE_INVALID_RESPONSE, not at the timeout', async () => {
    const server = await listen((s) => s.write('HTTP/1.1 200 OK\nContent-Length: 2\n\nok'));
    const c = client(server.port);
    const r = await request(c);
    expect(r).toMatchObject({ status: 0, code: 'HPE_INVALID_RESPONSE', written: true });
    expect(r.ms).toBeLessThan(1000);
    await c.destroy();
  });

  it('a response followed by bytes nobody asked for fails, and its connection is not reused', async () => {
    const server = await listen((s, _, n) => s.write(n === 1 ? `${OK}EXTRA` : OK));
    const c = client(server.port);
    expect(await request(c)).toMatchObject({ status: 200, body: 'ok', code: 'HPE_INVALID_RESPONSE' });
    expect(await request(c)).toMatchObject({ status: 200, body: 'ok', code: '' });
    expect(server.connections()).toBe(2);
    await c.destroy();
  });

  it('bytes arriving on the idle connection are not dropped silently: the next request fails with them, unsent', async () => {
    const server = await listen((s, _, n) => {
      s.write(OK);
      if (n === 1) setTimeout(() => s.write('GARBAGE'), 30);
    });
    const c = client(server.port);
    expect(await request(c)).toMatchObject({ status: 200, code: '' });
    await new Promise((r) => setTimeout(r, 150));
    const next = await request(c);
    expect(next).toMatchObject({ status: 0, code: 'HPE_INVALID_RESPONSE', written: false });
    expect(next.message).toMatch(/7 bytes arrived with no request outstanding/);
    expect(await request(c)).toMatchObject({ status: 200, body: 'ok', code: '' });
    expect(server.connections()).toBe(2);
    await c.destroy();
  });

  it('a 101 Switching Protocols ends the request and never returns its connection to use', async () => {
    const server = await listen((s, _, n) => s.write(n === 1 ? 'HTTP/1.1 101 Switching Protocols\r\nConnection: keep-alive\r\n\r\n\x81\x00' : OK));
    const c = client(server.port);
    expect(await request(c)).toMatchObject({ status: 101, code: '' });
    expect(await request(c)).toMatchObject({ status: 200, body: 'ok', code: '' });
    expect(server.connections()).toBe(2);
    await c.destroy();
  });

  it('a request header the wire cannot carry is refused when its bytes are built, naming it', async () => {
    const c = client(1);
    const handler = { onWritten() {}, onHeaders() {}, onData() {}, onComplete() {}, onError() {} };
    expect(() => c.dispatch({ method: 'GET', path: '/', headers: { 'X-Split': 'a\r\nX-Evil: 1' } }, handler)).toThrow(/request header "X-Split"/);
    await c.destroy();
  });
});
