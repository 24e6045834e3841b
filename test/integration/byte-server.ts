// For the tests of the load's HTTP/1.1 client (h1-client.test.ts, h1-client-refusals.test.ts):
// TCP servers on 127.0.0.1 whose every byte the test writes, and one request on a client with
// what its handler saw.
import { createServer, type Socket } from 'node:net';
import type { RequestHandler } from '../../harness/load/client-api.ts';
import type { H1Client } from '../../harness/load/h1-client.ts';

/** Every server a test started (listen's, and any the test pushes here); closeServers closes them. */
export const servers: { close(cb: () => void): void }[] = [];

/** For afterEach: closes every server in `servers`. */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
}

/**
 * A TCP server; `onRequest` is called with each complete request head received, `n` counting
 * them on that connection and `total` over all its connections.
 */
export function listen(
  onRequest: (socket: Socket, n: number, total: number) => void,
): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let total = 0;
  const server = createServer((socket) => {
    connections++;
    let n = 0;
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        onRequest(socket, ++n, ++total);
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  /** this server alone (tests running side by side each close their own); again: nothing more */
  const close = () => {
    if (!servers.includes(server)) return Promise.resolve();
    servers.splice(servers.indexOf(server), 1);
    return new Promise<void>((r) => server.close(() => r()));
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, connections: () => connections, close })),
  );
}

export interface Outcome {
  status: number;
  body: string;
  code: string;
  message: string;
  written: boolean;
  ms: number;
}

/** One request on `client`, resolved with what its handler saw. */
export function request(client: H1Client, method = 'GET'): Promise<Outcome> {
  const t0 = performance.now();
  const got: Outcome = { status: 0, body: '', code: '', message: '', written: false, ms: 0 };
  return new Promise((resolve) => {
    const handler: RequestHandler = {
      onWritten: () => (got.written = true),
      onHeaders: (status) => void (got.status = status),
      onData: (chunk) => void (got.body += chunk.toString()),
      onComplete: () => resolve({ ...got, ms: performance.now() - t0 }),
      onError: (err) => resolve({ ...got, code: (err as Error & { code: string }).code, message: err.message, ms: performance.now() - t0 }),
    };
    client.dispatch({ method, path: '/', headers: {} }, handler);
  });
}
