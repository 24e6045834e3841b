// An HTTP/1.1 response parser for the load's own client (h1-client.ts). Pure: bytes in,
// callbacks out, so every framing (Content-Length, chunked, read-until-close, no body) and every
// split of a response across reads is unit-tested without a socket.
//
// It reads what a load test needs and nothing more: status, raw headers, body bytes, whether the
// connection stays open. It walks the head once, line by line as the lines arrive, checking each
// byte (h1-syntax.ts) and reading only the headers that frame a message, so a malformed response
// is refused at its first bad line, not left to time out, and no string is made for a header
// nobody asks for. What it refuses, and where it follows Node's client rather than the letter of
// RFC 9112, is in test/unit/h1-differential.test.ts.
import {
  CLOSE, CR, ChunkSizeLine, KEEP_ALIVE, LF, MAX_HEAD_BYTES, ParseError,
  caseIs, chunkedLast, connectionTokens, decimal, owsEnd, owsStart, scanField, scanStatus, statusOf,
} from './h1-syntax.ts';

export { ParseError } from './h1-syntax.ts';

export interface ResponseSink {
  /** the final (non-1xx) response head; `header` reads one of its headers, only during this call */
  head(status: number, header: (lowerCaseName: string) => string | undefined): void;
  data(chunk: Buffer): void;
  /** the response is complete; keepAlive: the connection may carry another request */
  complete(keepAlive: boolean): void;
}

const enum State {
  Idle,
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkCr,
  ChunkLf,
  Trailers,
  UntilClose,
  /** after a 101: the bytes are another protocol's, ignored until the next request */
  Switched,
}

export class ResponseParser {
  private state = State.Idle;
  /**
   * A head or trailer section that arrived in part: its first `kept` bytes, copied (the caller may
   * reuse its buffer) into room that grows by doubling, so a section trickling in byte by byte
   * costs linear time. Never written where a byte was passed on to the sink.
   */
  private pending: Buffer | null = null;
  private kept = 0;
  /** while a read is being parsed: the room it was joined in (pending's), and the joined bytes */
  private room: Buffer | null = null;
  private joined: Buffer | null = null;
  /** bytes left: of the body (Length) or of the current chunk (ChunkData) */
  private left = 0;
  private keepAlive = true;
  private bodyless = false;
  private readonly chunkLine = new ChunkSizeLine();
  // The head or trailer section being read, its offsets from the section's first byte: where
  // the current line starts, how far its bytes are checked, and its colon (-1 before one).
  private lineAt = 0;
  private scanned = 0;
  private colon = -1;
  // What the head's lines said so far.
  private status = 0;
  private http10 = false;
  private lengths = 0;
  private length = -1;
  private transferEncoding = false;
  private chunked = false;
  private connection = 0;
  /** the head being delivered: its buffer, where it starts, and per header [name start, name end, value start, value end] from there */
  private headBuf: Buffer | null = null;
  private headBase = 0;
  private readonly fields: number[] = [];
  /** Reads a header of the head being delivered (the last one if repeated); no string is made for headers nobody asks for. */
  private readonly header = (lowerCaseName: string): string | undefined => {
    const buf = this.headBuf!;
    const base = this.headBase;
    const f = this.fields;
    let value: string | undefined;
    for (let i = 0; i < f.length; i += 4) {
      if (caseIs(buf, base + f[i], base + f[i + 1], lowerCaseName)) value = buf.toString('latin1', base + f[i + 2], base + f[i + 3]);
    }
    return value;
  };

  constructor(private readonly sink: ResponseSink) {}

  /** A request went out; `bodyless` for HEAD, whose response has no body whatever it says. */
  expect(bodyless: boolean): void {
    this.state = State.Head;
    this.pending = null;
    this.kept = 0;
    this.bodyless = bodyless;
    this.section();
  }

  /** Whether a response is being read (a request is outstanding). */
  get busy(): boolean {
    return this.state !== State.Idle && this.state !== State.Switched;
  }

  /** Whether the response head has been read and its body is being read. */
  get readingBody(): boolean {
    return this.busy && this.state !== State.Head;
  }

  /** Forget a half-read response (its connection is gone). */
  reset(): void {
    this.state = State.Idle;
    this.pending = null;
    this.kept = 0;
  }

  /**
   * Bytes from the socket. Throws ParseError on a malformed response, and on bytes nobody asked
   * for: after the end of the response in the same read (the response is refused) or with no
   * request outstanding. Empty lines between responses are skipped, as llhttp does.
   */
  feed(chunk: Buffer): void {
    let buf = chunk;
    let at = 0;
    this.room = this.joined = null;
    if (this.pending) {
      let room = this.pending;
      const length = this.kept + chunk.length;
      if (length > room.length) {
        room = Buffer.allocUnsafe(Math.max(length, 2 * room.length));
        this.pending.copy(room, 0, 0, this.kept);
      }
      chunk.copy(room, this.kept);
      this.room = room;
      buf = this.joined = room.subarray(0, length);
      this.pending = null;
      this.kept = 0;
    }
    while (at < buf.length) {
      switch (this.state) {
        case State.Idle:
          at = skipEmptyLines(buf, at);
          if (at < buf.length) throw new ParseError(`${buf.length - at} bytes arrived with no request outstanding`);
          break;
        case State.Head:
        case State.Trailers:
          at = this.lines(buf, at);
          if (at < 0) return;
          break;
        case State.Length:
          at = this.counted(buf, at);
          if (this.left === 0) at = this.finish(buf, at);
          break;
        case State.ChunkSize: {
          const end = this.chunkLine.scan(buf, at);
          if (end < 0) return;
          at = end;
          this.left = this.chunkLine.size;
          if (this.left > 0) this.state = State.ChunkData;
          else {
            this.state = State.Trailers;
            this.section();
          }
          break;
        }
        case State.ChunkData:
          at = this.counted(buf, at);
          if (this.left === 0) this.state = State.ChunkCr;
          break;
        case State.ChunkCr:
        case State.ChunkLf:
          if (buf[at++] !== (this.state === State.ChunkCr ? CR : LF)) throw new ParseError('chunk data longer than its size (no CRLF after it)');
          this.state = this.state === State.ChunkCr ? State.ChunkLf : State.ChunkSize;
          if (this.state === State.ChunkSize) this.chunkLine.reset();
          break;
        case State.UntilClose:
          this.sink.data(buf.subarray(at));
          return;
        case State.Switched:
          return;
      }
    }
  }

  /** Passes on up to `left` body bytes from buf at `at` (a Content-Length body or one chunk); returns where it stopped. */
  private counted(buf: Buffer, at: number): number {
    const n = Math.min(this.left, buf.length - at);
    this.sink.data(buf.subarray(at, at + n));
    this.left -= n;
    return at + n;
  }

  /** The server closed its side. True when that ends the response (a body read until close). */
  end(): boolean {
    if (this.state !== State.UntilClose) return false;
    this.state = State.Idle;
    this.sink.complete(false);
    return true;
  }

  /** A head or a trailer section begins. */
  private section(): void {
    this.lineAt = this.scanned = 0;
    this.colon = -1;
    if (this.state !== State.Head) return;
    this.fields.length = this.lengths = this.connection = 0;
    this.length = -1;
    this.transferEncoding = this.chunked = false;
  }

  /**
   * Reads the lines of a head or trailer section from buf at `at` (its first byte, or the start of
   * what was kept of it), checking each byte once as it arrives. Returns where the section's
   * data ended, or -1 when it needs more bytes (what arrived is kept).
   */
  private lines(buf: Buffer, at: number): number {
    const head = this.state === State.Head;
    if (head && this.scanned === 0) at = skipEmptyLines(buf, at);
    const base = at;
    let line = base + this.lineAt;
    let from = base + this.scanned;
    let colon = this.colon < 0 ? -1 : base + this.colon;
    for (;;) {
      const lf = buf.indexOf(LF, from);
      let to = lf < 0 ? buf.length : lf - 1;
      if (lf >= 0 && (lf === line || buf[to] !== CR)) throw new ParseError(`a bare LF ends a line of the ${head ? 'head' : 'trailers'}: ${JSON.stringify(buf.toString('latin1', line, lf + 1))}`);
      if (lf < 0 && to > from && buf[to - 1] === CR) to--; // its LF may come in the next read
      if ((lf < 0 ? buf.length : lf + 1) - base > MAX_HEAD_BYTES) throw new ParseError(`response ${head ? 'head' : 'trailers'} over ${MAX_HEAD_BYTES} bytes`);
      const status = head && line === base;
      if (status) scanStatus(buf, line, from, to);
      else colon = scanField(buf, line, from, to, colon);
      if (lf < 0) {
        // Kept where it is if it starts the room it was joined in (nothing of it was passed on), else copied.
        this.kept = buf.length - base;
        this.pending = buf === this.joined && base === 0 ? this.room : Buffer.from(buf.subarray(base));
        this.lineAt = line - base;
        this.scanned = to - base;
        this.colon = colon < 0 ? -1 : colon - base;
        return -1;
      }
      if (status) {
        this.status = statusOf(buf, line, to);
        this.http10 = buf[line + 7] === 0x30;
      } else if (to === line) return head ? this.headEnd(buf, base, lf + 1) : this.finish(buf, lf + 1);
      else if (colon < 0) throw new ParseError(`header line without a colon: ${JSON.stringify(buf.toString('latin1', line, to))}`);
      else if (head) this.field(buf, base, line, colon, to);
      line = from = lf + 1;
      colon = -1;
    }
  }

  /** A header line [line, eol) of the head; only the headers that frame the message are read here, by their lengths first. */
  private field(buf: Buffer, base: number, line: number, colon: number, eol: number): void {
    const vs = owsStart(buf, colon + 1, eol);
    const ve = owsEnd(buf, vs, eol);
    this.fields.push(line - base, colon - base, vs - base, ve - base);
    const len = colon - line;
    if (len === 14 && caseIs(buf, line, colon, 'content-length')) {
      // One Content-Length of digits: a second (even an equal one) or a list is refused, as llhttp does.
      this.length = decimal(buf, vs, ve);
      if (this.length < 0 || ++this.lengths > 1) throw new ParseError(`${this.lengths > 1 ? 'a second' : 'bad'} content-length ${JSON.stringify(buf.toString('latin1', vs, ve))}`);
    } else if (len === 17 && caseIs(buf, line, colon, 'transfer-encoding')) {
      // Of several, the last one's last coding is the final one. An empty one names none, but with
      // a Content-Length it is refused all the same, as newer llhttp does (Node 20's lets the
      // Content-Length frame the body).
      this.transferEncoding = true;
      if (ve > vs) this.chunked = chunkedLast(buf, vs, ve);
    } else if ((len === 10 && caseIs(buf, line, colon, 'connection')) || (len === 16 && caseIs(buf, line, colon, 'proxy-connection'))) {
      this.connection |= connectionTokens(buf, vs, ve); // llhttp reads Proxy-Connection alike
    }
  }

  /** The head ended at `end` (after its empty line): deliver it, and frame the body (RFC 9112 6.3). */
  private headEnd(buf: Buffer, base: number, end: number): number {
    const status = this.status;
    // Either could frame the body, so either reading could be wrong: refused, as llhttp does (RFC 9112 6.1 allows it).
    if (this.transferEncoding && this.lengths > 0) throw new ParseError('Transfer-Encoding with Content-Length');
    // 1xx (100 Continue, 103 Early Hints): an interim head; the final one follows.
    if (status < 200 && status !== 101) {
      this.section();
      return end;
    }
    // HTTP/1.1 keeps the connection unless `close`; 1.0 only with `keep-alive`. Transfer-Encoding
    // in HTTP/1.0 means the framing may be faulty: the connection closes after it (RFC 9112 6.1).
    this.keepAlive = this.http10 ? (this.connection & KEEP_ALIVE) !== 0 && !this.transferEncoding : (this.connection & CLOSE) === 0;
    this.headBuf = buf;
    this.headBase = base;
    this.sink.head(status, this.header);
    this.headBuf = null;
    if (status === 101) {
      // Switching Protocols: what follows is another protocol's; the connection is never reused.
      this.keepAlive = false;
      this.state = State.Switched;
      this.sink.complete(false);
      return buf.length;
    }
    if (this.bodyless || status === 204 || status === 304) return this.finish(buf, end);
    if (this.chunked) {
      this.state = State.ChunkSize;
      this.chunkLine.reset();
    } else if (this.length >= 0) {
      this.left = this.length;
      if (this.length === 0) return this.finish(buf, end);
      this.state = State.Length;
    } else {
      this.keepAlive = false; // no framing, or a final coding other than chunked: the body runs until the server closes
      this.state = State.UntilClose;
    }
    return end;
  }

  /**
   * The response ended at `at`. A byte after it in the same read (but for empty lines) is one
   * nobody asked for (one request at a time): the response is refused rather than passed on.
   */
  private finish(buf: Buffer, at: number): number {
    at = skipEmptyLines(buf, at);
    if (at < buf.length) throw new ParseError(`${buf.length - at} bytes after the end of the response, which nobody asked for: ${JSON.stringify(buf.toString('latin1', at, at + 40))}`);
    this.state = State.Idle;
    this.sink.complete(this.keepAlive);
    return at;
  }
}

/** Skips CR and LF bytes (empty lines before a head or between responses, which llhttp ignores too). */
function skipEmptyLines(buf: Buffer, at: number): number {
  while (at < buf.length && (buf[at] === CR || buf[at] === LF)) at++;
  return at;
}
