// Request records, column-wise in typed arrays: a 60 s run at 20k req/s is over a million
// records, which as objects would cost the load thread GC pauses (false gaps) and the analysis
// seconds. Times are microseconds since the load origin, on the shared monotonic clock.

export const OUTCOME = { ok: 0, httpError: 1, transportError: 2 } as const;
export type OutcomeCode = (typeof OUTCOME)[keyof typeof OUTCOME];

/** Colour index 0 means the response named no colour (or there was no response). */
export const COLOURS = ['', 'blue', 'green'] as const;
export type Colour = 'blue' | 'green';

export interface RecordSet {
  count: number;
  /**
   * when the request was meant to go out, µs since origin: the pacer's time in the open model
   * (latency from it is corrected for coordinated omission), the hand-over to the client in the
   * closed loop
   */
  scheduled: Float64Array;
  /** write begins, µs since origin */
  start: Float64Array;
  /** last byte of the response, or the error, µs since origin */
  end: Float64Array;
  outcome: Uint8Array;
  /** HTTP status; 0 when no response head arrived (a transport error after the head keeps it) */
  status: Uint16Array;
  /** index into errorCodes; 0 = no error */
  error: Uint8Array;
  /** connection id, unique within a run */
  conn: Uint32Array;
  /** 1 when the request went out on a connection that had already served a request */
  reused: Uint8Array;
  colour: Uint8Array;
  /** errorCodes[0] is '' (no error) */
  errorCodes: string[];
}

/** A stall of one load thread's event loop (its timers ran late): µs since the origin. */
export interface LoadStall {
  thread: number;
  atUs: number;
  lengthUs: number;
}

/**
 * A first attempt a retrying client resent (load.client retrying): the user never saw it fail,
 * the wire did. µs since the origin; code is the transport error.
 */
export interface HiddenFailure {
  startUs: number;
  endUs: number;
  code: string;
}

export const COLUMNS = [
  ['scheduled', Float64Array],
  ['start', Float64Array],
  ['end', Float64Array],
  ['outcome', Uint8Array],
  ['status', Uint16Array],
  ['error', Uint8Array],
  ['conn', Uint32Array],
  ['reused', Uint8Array],
  ['colour', Uint8Array],
] as const;
export type ColumnName = (typeof COLUMNS)[number][0];

export interface RecordInput {
  /** default: start */
  scheduled?: number;
  start: number;
  end: number;
  outcome: OutcomeCode;
  status: number;
  errorCode: string;
  conn: number;
  reused: boolean;
  colour: number;
}

/** The error code index 255 stands for: every code past the 254th distinct one. */
export const OTHER_CODES = '(other codes)';
const OTHER_CODES_INDEX = 255;

type Columns = { [K in ColumnName]: InstanceType<Extract<(typeof COLUMNS)[number], readonly [K, unknown]>[1]> };

/** Records per chunk: a new chunk (~140 kB over every column, ~0.1 ms) is allocated, never a copy made. */
export const CHUNK_RECORDS = 1 << 12;

/**
 * Append-only columns in fixed-size chunks. A write never copies what is already written, so no
 * single write stalls the load thread (doubling a 2-million-record set copied 70 MB: ~40 ms, a
 * false gap). The chunks are joined once, in finish(), after the load has stopped.
 */
export class RecordWriter {
  count = 0;
  private chunks: Columns[] = [];
  private current!: Columns;
  private used = CHUNK_RECORDS;
  private codes = new Map<string, number>([['', 0]]);

  push(r: RecordInput): void {
    if (this.used === CHUNK_RECORDS) this.addChunk();
    const i = this.used++;
    this.count++;
    const c = this.current;
    c.scheduled[i] = r.scheduled ?? r.start;
    c.start[i] = r.start;
    c.end[i] = r.end;
    c.outcome[i] = r.outcome;
    c.status[i] = r.status;
    c.error[i] = this.codeIndex(r.errorCode);
    c.conn[i] = r.conn;
    c.reused[i] = r.reused ? 1 : 0;
    c.colour[i] = r.colour;
  }

  /** One contiguous copy whose buffers can be transferred to another thread. */
  finish(): RecordSet {
    const out = Object.fromEntries(
      COLUMNS.map(([name, Type]) => {
        const col = new Type(this.count);
        this.chunks.forEach((chunk, k) => {
          const n = Math.min(CHUNK_RECORDS, this.count - k * CHUNK_RECORDS);
          col.set(chunk[name].subarray(0, n) as never, k * CHUNK_RECORDS);
        });
        return [name, col];
      }),
    ) as unknown as Omit<RecordSet, 'count' | 'errorCodes'>;
    return { ...out, count: this.count, errorCodes: [...this.codes.keys()] };
  }

  private codeIndex(code: string): number {
    let i = this.codes.get(code);
    if (i === undefined) {
      // 254 distinct codes is far beyond what a run sees; the rest share the last index, under
      // a name that says so (never another code's name).
      i = Math.min(this.codes.size, OTHER_CODES_INDEX);
      this.codes.set(i === OTHER_CODES_INDEX ? OTHER_CODES : code, i);
    }
    return i;
  }

  private addChunk(): void {
    this.current = Object.fromEntries(COLUMNS.map(([name, Type]) => [name, new Type(CHUNK_RECORDS)])) as never;
    this.chunks.push(this.current);
    this.used = 0;
  }
}

export function buffersOf(set: RecordSet): ArrayBuffer[] {
  return COLUMNS.map(([name]) => set[name].buffer as ArrayBuffer);
}

/** Build a record set from plain objects: for tests and small tools, never the load path. */
export function recordSetOf(rows: RecordInput[]): RecordSet {
  const w = new RecordWriter();
  for (const r of rows) w.push(r);
  return w.finish();
}
