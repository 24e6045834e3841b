// The bytes of HTTP/1.1 as RFC 9110 and RFC 9112 spell them, for the load's own client: which
// bytes a status line, a header name and a header value may hold, the values of the headers that
// frame a response (Content-Length, Transfer-Encoding, Connection), the chunk-size line, and the
// checks on a request's own headers. Pure and string-free on the response side: the parser
// (h1-parser.ts) calls these on its hot path with byte ranges of the buffer it was given.
//
// Where RFC 9112 leaves a choice, this does what Node's own client (llhttp, not lenient) does
// with a response, as test/unit/h1-differential.test.ts shows case by case.

import { CODE } from '../records/failure-codes.ts';

/** A malformed or oversized response: the connection cannot be trusted for another request. */
export class ParseError extends Error {
  readonly code = CODE.INVALID_RESPONSE;
}

/** A head (or trailer section, or chunk-size line) larger than this is refused (Node's limit is 16 KiB; nginx's error pages are far below). */
export const MAX_HEAD_BYTES = 64 * 1024;

export const CR = 0x0d;
export const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;
const COMMA = 0x2c;

/** 1 for tchar (RFC 9110 5.6.2), the bytes of a token: a header name, a chunk extension's name */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;
/** the value of each hex digit, -1 for any other byte */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/** A control character (CTL but not HTAB, or DEL): never in a field value (RFC 9110 5.5). */
const isCtl = (c: number) => (c < SP ? c !== HTAB : c === 0x7f);
const show = (buf: Buffer, from: number, to: number) => JSON.stringify(buf.toString('latin1', from, Math.min(to, from + 60)));

const PREFIX = Buffer.from('HTTP/1.');
/**
 * Checks the status line's bytes [from, to) of the line starting at `line` as they arrive:
 * `HTTP/1.0` or `HTTP/1.1`, one space, three digits, then a space (or the line's end), then any
 * reason but a bare CR. The line's CRLF is not in the range.
 */
export function scanStatus(buf: Buffer, line: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const p = i - line;
    const c = buf[i];
    if (p < 7 ? c === PREFIX[p] : p === 7 ? c === 0x30 || c === 0x31 : p === 8 || p === 12 ? c === SP : p < 12 ? c >= 0x30 && c <= 0x39 : c !== CR) continue;
    throw new ParseError(p < 9 ? `not an HTTP/1.0 or HTTP/1.1 status line: ${show(buf, line, to)}` : p < 13 ? `bad status code in ${show(buf, line, to)}` : 'a CR without LF in the status line');
  }
}

/** The status code of a complete status line [line, eol); a code outside 100–599 is refused (RFC 9110 15). */
export function statusOf(buf: Buffer, line: number, eol: number): number {
  const status = eol - line < 12 ? 0 : (buf[line + 9] - 0x30) * 100 + (buf[line + 10] - 0x30) * 10 + (buf[line + 11] - 0x30);
  if (status < 100 || status > 599) throw new ParseError(`bad status code in ${show(buf, line, eol)}`);
  return status;
}

/**
 * Checks a field line's bytes [from, to) as they arrive (the line starts at `line`, its CRLF is
 * not in the range): a token, a colon right after it, a value without control characters.
 * `colon` is where the line's colon is, or -1 while it has not arrived; returns the same.
 */
export function scanField(buf: Buffer, line: number, from: number, to: number, colon: number): number {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (colon >= 0) {
      if (isCtl(c)) throw new ParseError(`control character 0x${c.toString(16)} in the value of ${show(buf, line, colon)}`);
    } else if (c === COLON && i > line) colon = i;
    else if (!TCHAR[c]) {
      throw new ParseError(
        c === COLON ? 'empty header name'
        : c === SP || c === HTAB ? (i === line ? 'a header line starting with whitespace (obs-fold)' : `whitespace before the colon in ${show(buf, line, i + 1)}`)
        : `byte 0x${c.toString(16)} in the header name ${show(buf, line, i + 1)} (a colon missing?)`,
      );
    }
  }
  return colon;
}

/** Start of a value [from, to) without its leading spaces and tabs. */
export function owsStart(buf: Buffer, from: number, to: number): number {
  while (from < to && (buf[from] === SP || buf[from] === HTAB)) from++;
  return from;
}

/** End of a value [from, to) without its trailing spaces and tabs. */
export function owsEnd(buf: Buffer, from: number, to: number): number {
  while (to > from && (buf[to - 1] === SP || buf[to - 1] === HTAB)) to--;
  return to;
}

/** Whether bytes [from, to) are `lower` (a lower-case name) whatever their case. */
export function caseIs(buf: Buffer, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const t = lower.charCodeAt(i);
    const c = buf[from + i];
    if (c !== t && !(t >= 0x61 && t <= 0x7a && c === t - 0x20)) return false;
  }
  return true;
}

/** A Content-Length value (1*DIGIT, RFC 9110 8.6), or -1 (empty, a list, a sign, anything else, or past 2^53). */
export function decimal(buf: Buffer, from: number, to: number): number {
  if (from === to) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= Number.MAX_SAFE_INTEGER ? n : -1;
}

/** Whether a Transfer-Encoding value's final coding is `chunked` (its last list element, as llhttp reads it: `chunked,` is not). */
export function chunkedLast(buf: Buffer, from: number, to: number): boolean {
  let s = to;
  while (s > from && buf[s - 1] !== COMMA) s--;
  return caseIs(buf, owsStart(buf, s, to), to, 'chunked');
}

export const CLOSE = 1;
export const KEEP_ALIVE = 2;
/** The `close` and `keep-alive` tokens of a Connection value (a comma-separated list; case-insensitive; `xclose` is not `close`). */
export function connectionTokens(buf: Buffer, from: number, to: number): number {
  let flags = 0;
  for (let s = from, i = from; i <= to; i++) {
    if (i < to && buf[i] !== COMMA) continue;
    const a = owsStart(buf, s, i);
    const b = owsEnd(buf, a, i);
    if (caseIs(buf, a, b, 'close')) flags |= CLOSE;
    else if (caseIs(buf, a, b, 'keep-alive')) flags |= KEEP_ALIVE;
    s = i + 1;
  }
  return flags;
}

const enum Chunk { Size, ExtStart, ExtName, ExtValueStart, ExtValue, Quoted, QuotedEscape, QuotedEnd, Cr }
/**
 * A chunk-size line (RFC 9112 7.1), read byte by byte as it arrives, so that a bad one is
 * refused at its first bad byte: hex digits, then `;name`, `;name=token` or `;name="quoted"`
 * extensions with no whitespace (llhttp's strict reading), then CRLF.
 */
export class ChunkSizeLine {
  size = 0;
  private digits = 0;
  private length = 0;
  private phase = Chunk.Size;

  reset(): void {
    this.size = this.digits = this.length = 0;
    this.phase = Chunk.Size;
  }

  /** Reads from buf at `at`; returns where the line ended (after its LF), or -1 when it needs more bytes. */
  scan(buf: Buffer, at: number): number {
    for (let i = at; i < buf.length; i++) {
      const c = buf[i];
      if (++this.length > MAX_HEAD_BYTES) throw new ParseError(`chunk-size line over ${MAX_HEAD_BYTES} bytes`);
      switch (this.phase) {
        case Chunk.Size:
          if (HEX[c] >= 0) {
            this.size = this.size * 16 + HEX[c];
            this.digits++;
            if (this.size > Number.MAX_SAFE_INTEGER) throw new ParseError('chunk size overflow');
            continue;
          }
          if (this.digits > 0 && (c === 0x3b || c === CR)) break;
          throw new ParseError(`bad chunk size: byte 0x${c.toString(16)} after ${this.digits} hex digits`);
        case Chunk.ExtStart:
          if (TCHAR[c]) this.phase = Chunk.ExtName;
          else throw new ParseError('bad chunk extension name');
          continue;
        case Chunk.ExtName:
          if (TCHAR[c]) continue;
          if (c === 0x3d) this.phase = Chunk.ExtValueStart;
          else break;
          continue;
        case Chunk.ExtValueStart:
        case Chunk.ExtValue:
          if (TCHAR[c]) this.phase = Chunk.ExtValue;
          else if (c === 0x22 && this.phase === Chunk.ExtValueStart) this.phase = Chunk.Quoted;
          else break;
          continue;
        case Chunk.Quoted:
          if (c === 0x22) this.phase = Chunk.QuotedEnd;
          else if (c === 0x5c) this.phase = Chunk.QuotedEscape;
          else if (isCtl(c)) throw new ParseError('control character in a quoted chunk extension');
          continue;
        case Chunk.QuotedEscape:
          if (isCtl(c)) throw new ParseError('control character in a quoted chunk extension');
          this.phase = Chunk.Quoted;
          continue;
        case Chunk.QuotedEnd:
          break;
        case Chunk.Cr:
          if (c !== LF) throw new ParseError('CR without LF after a chunk size');
          return i + 1;
      }
      // After a size, a name or a value: `;` starts an extension, CR ends the line; nothing else may.
      if (c === 0x3b) this.phase = Chunk.ExtStart;
      else if (c === CR) this.phase = Chunk.Cr;
      else throw new ParseError(`bad chunk-size line: byte 0x${c.toString(16)}`);
    }
    return -1;
  }
}

/**
 * Refuses, naming the header, a request header the wire cannot carry as given: a name that is not
 * a token (RFC 9110 5.1), a value with CR, LF, NUL or another control character (5.5) or a
 * character past Latin-1, either of which would split or garble the request.
 */
export function checkRequestHeader(name: string, value: string): void {
  if (name === '' || ![...name].every((ch) => ch.charCodeAt(0) < 256 && TCHAR[ch.charCodeAt(0)])) {
    throw new TypeError(`request header name ${JSON.stringify(name)} is not a token (RFC 9110 5.6.2)`);
  }
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c > 0xff || isCtl(c)) {
      throw new TypeError(`request header ${JSON.stringify(name)}: its value holds ${c > 0xff ? 'a character past Latin-1' : 'a control character (CR, LF, NUL or another)'}: ${JSON.stringify(value)}`);
    }
  }
}
