// An HTTP/1.1 response parser for the load's own client (h1-client.ts). Pure: bytes in,
// callbacks out, so every framing (Content-Length, chunked, read-until-close, no body) and every
// split of a response across reads is unit-tested without a socket.
//
// It reads what a load test needs and nothing more: status, raw headers, body bytes, whether the
// connection stays open. It walks the head once, comparing only the three header names that
// frame a message, which is most of why it costs a fraction of a general parser.

export interface ResponseSink {
  /** the final (non-1xx) response head; `header` reads one of its headers, only during this call */
  head(status: number, header: (lowerCaseName: string) => string | undefined): void;
  data(chunk: Buffer): void;
  /** the response is complete; keepAlive: the connection may carry another request */
  complete(keepAlive: boolean): void;
}

/** A malformed or oversized response: the connection cannot be trusted for another request. */
export class ParseError extends Error {
  readonly code = 'HPE_INVALID_RESPONSE';
}

/** A head larger than this is refused (Node's and undici's default limit is 16 KiB; nginx's error pages are far below). */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

const enum State {
  Idle,
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
}

export class ResponseParser {
  private state = State.Idle;
  private pending: Buffer | null = null;
  /** bytes left: of the body (Length) or of the current chunk (ChunkData) */
  private left = 0;
  private keepAlive = true;
  private bodyless = false;
  /** the head being delivered: its buffer and, per header, [name start, name end, value start, value end] */
  private headBuf: Buffer | null = null;
  private readonly fields: number[] = [];
  /** Reads a header of the head being delivered; no string is made for headers nobody asks for. */
  private readonly header = (lowerCaseName: string): string | undefined => {
    const buf = this.headBuf!;
    let value: string | undefined;
    for (let i = 0; i < this.fields.length; i += 4) {
      if (this.fields[i + 1] - this.fields[i] === lowerCaseName.length && buf.toString('latin1', this.fields[i], this.fields[i + 1]).toLowerCase() === lowerCaseName) {
        value = buf.toString('latin1', this.fields[i + 2], this.fields[i + 3]);
      }
    }
    return value;
  };

  constructor(private readonly sink: ResponseSink) {}

  /** A request went out; `bodyless` for HEAD, whose response has no body whatever it says. */
  expect(bodyless: boolean): void {
    this.state = State.Head;
    this.pending = null;
    this.bodyless = bodyless;
  }

  /** Whether a response is being read (a request is outstanding). */
  get busy(): boolean {
    return this.state !== State.Idle;
  }

  /** Whether the response head has been read and its body is being read. */
  get readingBody(): boolean {
    return this.state !== State.Idle && this.state !== State.Head;
  }

  /** Forget a half-read response (its connection is gone). */
  reset(): void {
    this.state = State.Idle;
    this.pending = null;
  }

  /** Bytes from the socket. Throws ParseError on a malformed response or bytes nobody asked for. */
  feed(chunk: Buffer): void {
    let buf = chunk;
    let at = 0;
    while (at < buf.length) {
      switch (this.state) {
        case State.Idle:
          throw new ParseError(`${buf.length - at} bytes arrived with no request outstanding`);
        case State.Head: {
          if (this.pending) {
            buf = Buffer.concat([this.pending, buf.subarray(at)]);
            at = 0;
            this.pending = null;
          }
          const end = buf.indexOf(HEAD_END, at);
          if (end < 0) {
            if (buf.length - at > MAX_HEAD_BYTES) throw new ParseError(`response head over ${MAX_HEAD_BYTES} bytes`);
            this.pending = Buffer.from(buf.subarray(at)); // a copy: the caller may reuse its buffer
            return;
          }
          this.readHead(buf, at, end);
          at = end + 4;
          break;
        }
        case State.Length:
          at = this.counted(buf, at);
          if (this.left === 0) this.finish();
          break;
        case State.ChunkSize:
        case State.ChunkDataEnd:
        case State.Trailers: {
          const line = this.line(buf, at);
          if (line === null) return;
          at = line.next;
          this.chunkLine(line.text);
          break;
        }
        case State.ChunkData:
          at = this.counted(buf, at);
          if (this.left === 0) this.state = State.ChunkDataEnd;
          break;
        case State.UntilClose:
          this.sink.data(buf.subarray(at));
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

  private readHead(buf: Buffer, from: number, end: number): void {
    // "HTTP/1.x SSS reason"
    if (end - from < 12 || buf.toString('latin1', from, from + 7) !== 'HTTP/1.' || buf[from + 8] !== 0x20) {
      throw new ParseError(`not an HTTP/1.x status line: ${JSON.stringify(buf.toString('latin1', from, Math.min(end, from + 40)))}`);
    }
    const http10 = buf[from + 7] === 0x30;
    const d = (i: number) => (buf[from + i] >= 0x30 && buf[from + i] <= 0x39 ? buf[from + i] - 0x30 : NaN);
    const status = d(9) * 100 + d(10) * 10 + d(11);
    if (!(status >= 100)) throw new ParseError(`bad status code in ${JSON.stringify(buf.toString('latin1', from, from + 12))}`);
    const fields = this.fields;
    fields.length = 0;
    let length = -1;
    let chunked = false;
    let connection = '';
    let lineStart = buf.indexOf(CRLF, from) + 2;
    while (lineStart < end + 2) {
      const lineEnd = buf.indexOf(CRLF, lineStart);
      const colon = buf.indexOf(0x3a, lineStart);
      if (colon < 0 || colon > lineEnd) throw new ParseError(`header line without a colon: ${JSON.stringify(buf.toString('latin1', lineStart, lineEnd))}`);
      let v = colon + 1;
      while (v < lineEnd && (buf[v] === 0x20 || buf[v] === 0x09)) v++;
      let ve = lineEnd;
      while (ve > v && (buf[ve - 1] === 0x20 || buf[ve - 1] === 0x09)) ve--;
      fields.push(lineStart, colon, v, ve);
      // Only the framing headers are read; their lengths pick them out before any string is made.
      const len = colon - lineStart;
      if (len === 14 || len === 17 || len === 10) {
        const lower = buf.toString('latin1', lineStart, colon).toLowerCase();
        const value = buf.toString('latin1', v, ve);
        if (lower === 'content-length') {
          length = /^\d+$/.test(value) ? Number(value) : NaN;
          if (Number.isNaN(length)) throw new ParseError(`bad content-length ${JSON.stringify(value)}`);
        } else if (lower === 'transfer-encoding') chunked = /(^|,)\s*chunked\s*$/i.test(value);
        else if (lower === 'connection') connection = value.toLowerCase();
      }
      lineStart = lineEnd + 2;
    }
    // 1xx (100 Continue, 103 Early Hints): an interim head; the final one follows.
    if (status < 200 && status !== 101) return;
    this.keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    this.headBuf = buf;
    this.sink.head(status, this.header);
    this.headBuf = null;
    if (this.bodyless || status === 204 || status === 304 || status === 101) this.finish();
    else if (chunked) this.state = State.ChunkSize;
    else if (length >= 0) {
      this.left = length;
      if (length === 0) this.finish();
      else this.state = State.Length;
    } else {
      this.keepAlive = false; // no framing: the body runs until the server closes
      this.state = State.UntilClose;
    }
  }

  /** A line (chunk size, CRLF after chunk data, trailer) from buf at `at`, joined to a partial one kept from the last read. */
  private line(buf: Buffer, at: number): { text: string; next: number } | null {
    const lf = buf.indexOf(0x0a, at);
    if (lf < 0) {
      this.pending = this.pending ? Buffer.concat([this.pending, buf.subarray(at)]) : Buffer.from(buf.subarray(at));
      if (this.pending.length > MAX_HEAD_BYTES) throw new ParseError('chunk line too long');
      return null;
    }
    let text = this.pending ? this.pending.toString('latin1') + buf.toString('latin1', at, lf) : buf.toString('latin1', at, lf);
    this.pending = null;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { text, next: lf + 1 };
  }

  private chunkLine(text: string): void {
    if (this.state === State.ChunkDataEnd) {
      if (text !== '') throw new ParseError('chunk data longer than its size');
      this.state = State.ChunkSize;
    } else if (this.state === State.Trailers) {
      if (text === '') this.finish();
    } else {
      const size = parseInt(text, 16); // extensions after ';' are ignored, as parseInt stops there
      if (!/^[0-9a-fA-F]+/.test(text) || Number.isNaN(size)) throw new ParseError(`bad chunk size ${JSON.stringify(text)}`);
      if (size === 0) this.state = State.Trailers;
      else {
        this.left = size;
        this.state = State.ChunkData;
      }
    }
  }

  private finish(): void {
    this.state = State.Idle;
    this.sink.complete(this.keepAlive);
  }
}
