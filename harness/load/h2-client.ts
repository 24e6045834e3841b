// One HTTP/2 connection of a load thread, with the small interface the worker uses (client-api.ts:
// dispatch to a handler, destroy). Node's own http2 session, not undici's: at a reload nginx
// sends GOAWAY naming the last stream it will still answer, and a client must finish those
// streams; undici 7 fails the one in flight instead (its onHttp2SessionGoAway), which would
// count the client's own error as the proxy's. Node's session keeps them, as browsers do.
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { CODE, h2ResetCode, isFailingReset } from '../records/failure-codes.ts';
import { coded, type ClientOptions, type LoadClient, type LoadRequest, type RequestHandler } from './client-api.ts';

/** Header names HTTP/2 forbids (RFC 9113 §8.2.2); a scenario written for HTTP/1.1 may set them. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

export class H2Client implements LoadClient {
  private session: ClientHttp2Session | null = null;
  private readonly failures = new WeakMap<ClientHttp2Session, Error>();
  private readonly headers: Record<string, string>;

  constructor(
    private readonly origin: string,
    private readonly options: ClientOptions,
    headers: Record<string, string> = {},
  ) {
    this.headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_SPECIFIC.has(name.toLowerCase())));
  }

  /** One stream at a time per connection (the worker's pipelining 1), so figures compare with HTTP/1.1's. */
  dispatch(req: LoadRequest, handler: RequestHandler): void {
    const session = this.usable() ?? this.open();
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({ ':method': req.method, ':path': req.path, ...this.headers }, { endStream: req.body === undefined });
    } catch (err) {
      // The session went away between the check and the request (CODE.H2_GOAWAY_SESSION).
      queueMicrotask(() => handler.onError(err as Error));
      return;
    }
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) handler.onError(err);
      else handler.onComplete();
    };
    if (session.connecting) session.once('connect', () => handler.onWritten());
    else handler.onWritten();
    stream.setTimeout(this.options.timeoutMs, () => {
      settle(coded(`no complete response within ${this.options.timeoutMs} ms`, CODE.H2_TIMEOUT));
      stream.close(constants.NGHTTP2_CANCEL);
    });
    stream.on('response', (headers: IncomingHttpHeaders) => {
      // Node gives HTTP/2 header names in lower case, as the protocol requires.
      handler.onHeaders(Number(headers[':status']), (name) => (headers[name] === undefined ? undefined : String(headers[name])));
    });
    stream.on('data', (chunk: Buffer) => handler.onData(chunk));
    stream.on('end', () => settle());
    // A session that failed (TLS refused, connection reset) closes its streams with its own
    // error, as the stream error's cause or, later, the session's.
    const failed = (err: Error) => {
      const cause = err.cause as (Error & { code?: string }) | undefined;
      settle(cause?.code ? cause : (this.failures.get(session) ?? streamError(err, stream)));
    };
    stream.on('error', failed);
    // A stream reset with NO_ERROR (or closed by its session) ends without 'error' or 'end'.
    stream.on('close', () => failed(coded('the stream closed before its response ended', CODE.H2_STREAM_CLOSED)));
    if (req.body !== undefined) stream.end(req.body);
  }

  destroy(): Promise<void> {
    this.session?.destroy();
    this.session = null;
    return Promise.resolve();
  }

  private usable(): ClientHttp2Session | null {
    const s = this.session;
    return s && !s.closed && !s.destroyed ? s : null;
  }

  private open(): ClientHttp2Session {
    this.options.opening();
    const session = connect(this.origin, { ca: this.options.ca, timeout: this.options.timeoutMs });
    // After GOAWAY the session answers the streams it named and takes no new ones: the next
    // request opens a new connection, and this one closes once its streams end, as a browser's
    // does (an exiting nginx worker waits for its connections to close).
    session.on('goaway', () => {
      if (this.session === session) this.session = null;
      session.close();
    });
    session.on('error', (err) => this.failures.set(session, err)); // reported on each stream
    session.setTimeout(this.options.timeoutMs, () => {
      if (session.connecting) session.destroy(coded(`could not connect within ${this.options.timeoutMs} ms`, CODE.H2_CONNECT_TIMEOUT));
    });
    this.session = session;
    return session;
  }
}

/**
 * The code a failed stream is recorded with: the RST_STREAM code the server sent when there is
 * one (CODE.H2_REFUSED_STREAM: refused before it was processed, safe to resend), else the
 * transport's own (ECONNRESET, ERR_HTTP2_GOAWAY_SESSION…).
 */
function streamError(err: Error & { code?: string }, stream: ClientHttp2Stream): Error {
  const rst = stream.rstCode;
  return rst !== undefined && isFailingReset(rst) ? coded(err.message, h2ResetCode(rst)) : err;
}
