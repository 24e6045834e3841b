// The fuzz inputs of h1-fuzz.test.ts and the checks made on each: valid responses mutated byte
// by byte by a small seeded PRNG (so any input can be made again from its seed and number) and
// split at random into reads. Loaded in a worker thread (by the test), this module runs the
// inputs itself and reports, so that the test can tell a parser that never returns from a read.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ParseError, ResponseParser } from '../../harness/load/h1-parser.ts';

/** mulberry32: a small seeded PRNG, uniform in [0, 1) */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const H = 'HTTP/1.1 200 OK\r\n';
const SEEDS: { wire: string; head?: boolean }[] = [
  { wire: `${H}Server: nginx\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\nX-Served-By: blue\r\n\r\nblue\n` },
  { wire: `${H}Transfer-Encoding: chunked\r\n\r\n4;a=b\r\nblue\r\n6;q="x y"\r\n green\r\n0\r\nX-T: 1\r\n\r\n` },
  { wire: `HTTP/1.1 100 Continue\r\n\r\n${H}Content-Length: 2\r\n\r\nok` },
  { wire: `${H}Content-Length: 9\r\n\r\n`, head: true },
  { wire: 'HTTP/1.1 204 No Content\r\nX-Served-By: green\r\n\r\n' },
  { wire: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n' },
  { wire: 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close' },
  { wire: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc' },
  { wire: `${H}Transfer-Encoding: gzip\r\n\r\nzipped` },
  { wire: 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' },
  { wire: `${H}Transfer-Encoding: gzip, chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n` },
  { wire: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00' },
];
/** bytes and words a mutation puts in: the ones the grammar turns on, more often than chance would */
const BYTES = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x3d, 0x30, 0x31, 0x39, 0x61, 0x66, 0x46, 0x7a, 0x00, 0x7f, 0xff, 0x2d];
const WORDS = [
  '\r\n', '\r\n\r\n', 'Content-Length: 3\r\n', 'Content-Length: 2\r\n', 'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: gzip\r\n',
  'Connection: close\r\n', '0\r\n\r\n', '3\r\nabc\r\n', 'HTTP/1.1 100 Continue\r\n\r\n', 'ffffffffffff', ';a=b', ' ', H,
].map((w) => Buffer.from(w, 'latin1'));

export interface Input { n: number; bytes: Buffer; head: boolean; end: boolean; cuts: number[] }

/** The inputs of a seed, in order: a tenth valid, the rest with one to four mutations; cut into up to six reads, or byte by byte. */
export function* inputs(seed: number, count: number): Generator<Input> {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  for (let n = 0; n < count; n++) {
    const base = SEEDS[pick(SEEDS.length)];
    let b = Buffer.from(base.wire, 'latin1');
    if (rnd() >= 0.1) {
      for (let m = 1 + pick(4); m > 0; m--) {
        const at = pick(b.length + 1);
        const byte = rnd() < 0.7 ? BYTES[pick(BYTES.length)] : pick(256);
        const op = pick(6);
        if (op === 0 && at < b.length) b[at] = byte;
        else if (op === 1) b = Buffer.concat([b.subarray(0, at), Buffer.of(byte), b.subarray(at)]);
        else if (op === 2) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + pick(3))]);
        else if (op === 3) b = Buffer.concat([b.subarray(0, at), WORDS[pick(WORDS.length)], b.subarray(at)]);
        else if (op === 4) {
          const from = pick(b.length);
          b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + 1 + pick(12)), b.subarray(at)]);
        } else if (op === 5) b = b.subarray(0, at);
      }
    }
    const end = rnd() < 0.5;
    const cuts = rnd() < 0.05
      ? Array.from({ length: Math.max(0, b.length - 1) }, (_, i) => i + 1)
      : Array.from({ length: pick(6) }, () => pick(b.length + 1)).sort((x, y) => x - y);
    yield { n, bytes: b, head: base.head ?? false, end, cuts };
  }
}

export const describeInput = (seed: number, i: Input) =>
  `input ${i.n} of seed ${seed}: ${JSON.stringify(i.bytes.toString('latin1'))} head=${i.head} end=${i.end} cuts=${JSON.stringify(i.cuts)}`;

class Fault extends Error {}
function check(ok: boolean, what: string): void {
  if (!ok) throw new Fault(what);
}

interface Run { threw: string | null; status: number; body: string; keepAlive: boolean | null }

/** Feeds the input's bytes in reads cut at `cuts` (then the close if `end`), checking the sink's order and the framing as it goes. */
function run(i: Input, cuts: number[]): Run {
  const r: Run = { threw: null, status: 0, body: '', keepAlive: null };
  let heads = 0;
  let framed = Infinity; // the body bytes the head allows
  let bodyBytes = 0;
  const p = new ResponseParser({
    head: (status, header) => {
      check(heads++ === 0 && r.keepAlive === null, 'one head per response, before its end');
      r.status = status;
      const length = header('content-length');
      if (i.head || status === 204 || status === 304 || status === 101) framed = 0;
      else if (length !== undefined && header('transfer-encoding') === undefined) framed = Number(length);
    },
    data: (chunk) => {
      check(heads === 1 && r.keepAlive === null, 'body bytes only between the head and the end');
      bodyBytes += chunk.length;
      check(bodyBytes <= framed, `never more body bytes than framed (${bodyBytes} > ${framed})`);
      r.body += chunk.toString('latin1');
    },
    complete: (keepAlive) => {
      check(heads === 1 && r.keepAlive === null, 'one end per response, after its head');
      check(framed === Infinity || bodyBytes === framed, `the whole framed body (${bodyBytes} of ${framed})`);
      r.keepAlive = keepAlive;
    },
  });
  p.expect(i.head);
  try {
    let from = 0;
    for (const cut of [...cuts, i.bytes.length]) {
      p.feed(i.bytes.subarray(from, cut));
      from = cut;
    }
    if (i.end) p.end();
  } catch (err) {
    if (!(err instanceof ParseError)) throw err; // a Fault, or anything else the parser threw: the fuzz fails
    check(err.code === 'HPE_INVALID_RESPONSE', 'the parse code');
    r.threw = err.message;
  }
  check(bodyBytes <= i.bytes.length, 'never more body bytes than arrived');
  return r;
}

/** An independent plain reading of a response the parser accepted: the body its framing gives. */
function plainBody(i: Input): string {
  const text = i.bytes.toString('latin1');
  let at = 0;
  for (;;) {
    while (text[at] === '\r' || text[at] === '\n') at++;
    const headEnd = text.indexOf('\r\n\r\n', at) + 4;
    const lines = text.slice(at, headEnd - 4).split('\r\n');
    const status = Number(lines[0].slice(9, 12));
    at = headEnd;
    if (status < 200 && status !== 101) continue;
    if (i.head || status === 204 || status === 304 || status === 101) return '';
    const values = (name: string) => lines.slice(1).filter((l) => l.slice(0, l.indexOf(':')).toLowerCase() === name).map((l) => l.slice(l.indexOf(':') + 1).trim());
    const te = values('transfer-encoding').filter((v) => v !== '');
    if (te.length && te[te.length - 1].split(',').pop()!.trim().toLowerCase() === 'chunked') {
      let body = '';
      for (;;) {
        const lineEnd = text.indexOf('\r\n', at);
        const size = parseInt(text.slice(at, lineEnd).split(';')[0], 16);
        at = lineEnd + 2;
        if (size === 0) return body;
        body += text.slice(at, at + size);
        at += size + 2;
      }
    }
    if (values('transfer-encoding').length === 0 && values('content-length').length) return text.slice(at, at + Number(values('content-length')[0]));
    check(i.end, 'a body read until close ends only at the close');
    return text.slice(at);
  }
}

export interface Tally { accepted: number; refused: number; waiting: number }

/** Checks one input: read whole and split alike (refused in both, or read the same), and as the plain reading reads it. */
export function check1(i: Input, tally: Tally): void {
  const whole = run(i, []);
  const split = run(i, i.cuts);
  // Bytes after a response's end are refused either way: with the response in its last read, or after it in a later one.
  check((split.threw !== null) === (whole.threw !== null), `refused whole (${whole.threw}) and split (${split.threw}) alike`);
  if (whole.threw !== null) {
    tally.refused++;
    return;
  }
  check(JSON.stringify(split) === JSON.stringify(whole), `read whole and split alike: ${JSON.stringify(whole)} vs ${JSON.stringify(split)}`);
  if (whole.keepAlive === null) tally.waiting++;
  else {
    tally.accepted++;
    const plain = plainBody(i);
    check(whole.body === plain, `the body as the plain reading has it (${JSON.stringify(plain)}), not ${JSON.stringify(whole.body)}`);
  }
}

// In a worker thread: run the inputs, telling the test through shared memory which one is being
// read (so that it can name one that never returns), and post the tally or the first fault.
if (!isMainThread && workerData?.h1Fuzz) {
  const { seed, count, progress } = workerData.h1Fuzz as { seed: number; count: number; progress: SharedArrayBuffer };
  const at = new Int32Array(progress);
  const tally: Tally = { accepted: 0, refused: 0, waiting: 0 };
  const t0 = performance.now();
  let fault: string | null = null;
  for (const input of inputs(seed, count)) {
    Atomics.store(at, 0, input.n);
    try {
      check1(input, tally);
    } catch (err) {
      fault = `${(err as Error).stack ?? err}\n${describeInput(seed, input)}`;
      break;
    }
  }
  parentPort!.postMessage({ fault, tally, ms: performance.now() - t0 });
}
