// One HTTP/1.1 keep-alive connection of a load thread: the load's HTTP/1.1 client, the harness's
// own, on a bare socket, with the small interface the worker uses (client-api.ts: dispatch to a
// handler, destroy). A load test sends the same few requests millions of times, so each request's
// bytes are built once and written whole, and the response is read by a parser that only frames
// it (h1-parser.ts). (The load once used undici, which builds, validates and parses each request
// generally: about twice the CPU per request here.)
//
// Failures are named from the one table (records/failure-codes.ts, docs/FAILURE-CODES.md): the
// server closing the connection before the response ended (CODE.SOCKET_CLOSED, undici's name,
// kept so runs compare), Node's own socket codes (ECONNRESET, ECONNREFUSED, EPIPE, TLS errors),
// and the three timeouts.
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ParseError, ResponseParser, type ResponseSink } from './h1-parser.ts';
import { checkRequestHeader } from './h1-syntax.ts';
import { CODE } from '../records/failure-codes.ts';
import { coded, type ClientOptions, type HeaderLookup, type LoadClient, type LoadRequest, type RequestHandler } from './client-api.ts';

export class H1Client implements LoadClient, ResponseSink {
  private socket: Socket | null = null;
  private connecting = false;
  private handler: RequestHandler | null = null;
  private readonly parser = new ResponseParser(this);
  /** each request's bytes, built once (a thread sends a handful of distinct requests), and whether it asks the server to close */
  private readonly built = new Map<string, { bytes: Buffer; close: boolean }>();
  /** the request's bytes, held while its connection is still being opened */
  private pendingWrite: Buffer | null = null;
  /** TLS session of the last connection, offered to the next (resumption, as browsers and undici do) */
  private session: Buffer | undefined;
  /** the outstanding request asked the server to close: drop the socket after its response, as undici does */
  private closeRequested = false;
  /** bytes nobody asked for arrived on the idle connection (which was dropped): the next request fails with this */
  private stray: ParseError | null = null;
  private readonly host: string;
  private readonly hostHeader: string;
  private readonly port: number;
  private readonly tls: boolean;

  constructor(
    origin: string,
    private readonly options: ClientOptions,
  ) {
    const url = new URL(origin);
    this.tls = url.protocol === 'https:';
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.hostHeader = url.host;
    this.port = Number(url.port || (this.tls ? 443 : 80));
  }

  /** One request at a time (the worker's pipelining 1). */
  dispatch(req: LoadRequest, handler: RequestHandler): void {
    const { bytes, close } = this.requestOf(req);
    if (this.stray) {
      // Recorded as the next request's failure, as the load has no other record to put it in.
      const err = this.stray;
      this.stray = null;
      queueMicrotask(() => handler.onError(err));
      return;
    }
    this.handler = handler;
    this.closeRequested = close;
    this.parser.expect(req.method === 'HEAD');
    if (!this.socket) this.open();
    if (this.connecting) this.pendingWrite = bytes;
    else this.write(bytes);
  }

  destroy(): Promise<void> {
    this.fail(coded('the client was destroyed', CODE.CLIENT_DESTROYED));
    return Promise.resolve();
  }

  // ResponseSink: the parser's callbacks.
  head(status: number, header: HeaderLookup): void {
    this.handler?.onHeaders(status, header);
  }

  data(chunk: Buffer): void {
    this.handler?.onData(chunk);
  }

  complete(keepAlive: boolean): void {
    const handler = this.handler;
    this.handler = null;
    // The server said it closes (or did): this socket takes no more requests.
    if (!keepAlive || this.closeRequested) this.drop();
    handler?.onComplete();
  }

  private write(bytes: Buffer): void {
    this.handler?.onWritten();
    this.socket!.write(bytes);
  }

  private open(): void {
    this.options.opening();
    const { host, port, tls } = this;
    const socket = tls
      ? tlsConnect({ host, port, ca: this.options.ca, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], session: this.session })
      : tcpConnect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.connecting = true;
    socket.setTimeout(this.options.timeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== socket) return;
      this.connecting = false;
      const bytes = this.pendingWrite;
      this.pendingWrite = null;
      if (bytes && this.handler) this.write(bytes);
    });
    if (tls) socket.on('session', (s: Buffer) => (this.session = s));
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      try {
        this.parser.feed(chunk);
      } catch (err) {
        // A malformed response is the server's failure; anything else is a bug of ours, not recorded as the server's.
        if (!(err instanceof ParseError)) throw err;
        if (!this.handler) this.stray = err; // on an idle connection: not dropped silently
        this.fail(err);
      }
    });
    // The server's FIN. It ends a body read until close; with a request outstanding, anything
    // else is the keep-alive race: "other side closed".
    socket.on('end', () => {
      if (this.socket !== socket || this.parser.end()) return;
      this.fail(coded('other side closed', CODE.SOCKET_CLOSED));
    });
    socket.on('error', (err) => {
      if (this.socket === socket) this.fail(err);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.fail(coded('other side closed', CODE.SOCKET_CLOSED));
    });
    // Idle longer than the timeout: connecting, waiting for the head, or between body bytes
    // (the socket's timer restarts at every read and write). An idle keep-alive socket waits on.
    socket.on('timeout', () => {
      if (this.socket !== socket) return;
      if (this.connecting) this.fail(coded(`could not connect within ${this.options.timeoutMs} ms`, CODE.CONNECT_TIMEOUT));
      else if (this.parser.busy) {
        this.fail(this.parser.readingBody
          ? coded(`the body stalled for ${this.options.timeoutMs} ms`, CODE.BODY_TIMEOUT)
          : coded(`no response head within ${this.options.timeoutMs} ms`, CODE.HEADERS_TIMEOUT));
      }
    });
  }

  /** The socket is done: the next request opens a new one. */
  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.connecting = false;
    this.pendingWrite = null;
    socket?.destroy();
  }

  /** The outstanding request (if any) fails with err; the socket is dropped either way. */
  private fail(err: Error): void {
    const handler = this.handler;
    this.handler = null;
    this.drop();
    if (handler) {
      this.parser.reset();
      handler.onError(err);
    }
  }

  private requestOf(req: LoadRequest): { bytes: Buffer; close: boolean } {
    const key = `${req.method} ${req.path}`;
    let built = this.built.get(key);
    if (!built) {
      const bytes = requestBytes(this.hostHeader, req);
      built = { bytes, close: bytes.includes(CONNECTION_CLOSE) };
      this.built.set(key, built);
    }
    return built;
  }
}

const CONNECTION_CLOSE = Buffer.from('\r\nconnection: close\r\n');

/**
 * The request as it goes on the wire, as undici writes it: request line, host (the scenario's own
 * if it sets one), the scenario's headers, `connection: keep-alive` unless the scenario asks for
 * close, content-length for a body. A header the wire cannot carry as given (a name that is not a
 * token, a value with CR, LF, NUL or another control character) is refused here, naming it: once
 * per distinct request, as the bytes are built once.
 */
export function requestBytes(host: string, req: LoadRequest): Buffer {
  let close = false;
  let lines = '';
  for (const [name, value] of Object.entries(req.headers)) {
    checkRequestHeader(name, value);
    const lower = name.toLowerCase();
    if (lower === 'connection') close = value.toLowerCase() === 'close';
    else if (lower === 'host') host = value; // the scenario's own Host (a virtual host) wins
    else if (lower !== 'content-length') lines += `${lower}: ${value}\r\n`;
  }
  checkRequestHeader('host', host);
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${host}\r\n${lines}`;
  head += `connection: ${close ? 'close' : 'keep-alive'}\r\n`;
  if (req.body !== undefined) head += `content-length: ${Buffer.byteLength(req.body)}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), Buffer.from(req.body ?? '')]);
}
