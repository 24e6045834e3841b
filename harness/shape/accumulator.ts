// The traffic shape of a log, line by line, in memory bounded by the connections open at once:
// a connection's state lives from its first line until it is counted closed (no request for
// longer than the horizon, or the log's end); everything else goes into fixed buckets. Pure.
import { Distribution, edges125 } from './distribution.ts';
import type { LogLine } from './log-line.ts';
import { SHAPE_SCHEMA_VERSION, type Shape } from './schema.ts';
import { TimeSeries } from './time-series.ts';

/** nginx's default keepalive_timeout: no connection of a default nginx idles longer. */
export const DEFAULT_HORIZON_MS = 75_000;
/** Malformed lines shown as examples; the rest are counted. */
const EXAMPLES = 5;
/** Distinct methods kept by name; the rest (a scanner's junk) are counted as `other`. */
const METHODS = 32;
/** How often, in log time, connections are checked against the horizon. */
const SWEEPS_PER_HORIZON = 4;

interface OpenConnection {
  firstStartMs: number;
  lastEndMs: number;
  lastRequest: number;
  /** numbers passed over so far and not logged since: requests not in the log, or not yet */
  skipped: number;
}

type Channel = 'requests' | 'opened' | 'spanStarts' | 'spanEnds';

/** A loop, not Math.max(...series): a day's buckets are too many arguments for one call. */
const largest = (series: readonly number[]) => series.reduce((m, v) => (v > m ? v : m), 0);

export class ShapeAccumulator {
  private readonly open = new Map<number, OpenConnection>();
  private readonly series = new TimeSeries<Channel>(['requests', 'opened', 'spanStarts', 'spanEnds']);
  private readonly idle = new Distribution(edges125(100_000));
  private readonly rtt = new Distribution(edges125(1_000_000));
  private readonly perConnection = new Distribution(edges125(10_000));
  private readonly methods = new Map<string, number>();
  /** by status code: an array, not a map, as every line adds one */
  private readonly statuses = new Float64Array(1000);
  private readonly sources: Shape['sources'] = [];
  private readonly lines = { total: 0, plain: 0, json: 0, blank: 0, malformed: 0, examples: [] as Shape['lines']['examples'] };
  private readonly connections = { total: 0, opened: 0, continued: 0, closedByHorizon: 0, openAtEnd: 0 };
  private requests = 0;
  private unlogged = 0;
  private overlapping = 0;
  private rttMissing = 0;
  private firstStartMs = Number.POSITIVE_INFINITY;
  private lastEndMs = Number.NEGATIVE_INFINITY;
  private sweptAtMs = Number.NEGATIVE_INFINITY;

  constructor(readonly horizonMs = DEFAULT_HORIZON_MS) {}

  /** The next file's lines follow; its connections may continue from the last file's. */
  startSource(path: string, gzip: boolean): void {
    this.sources.push({ path, gzip, lines: 0 });
  }

  blank(): void {
    this.lines.total++;
    this.lines.blank++;
    this.sources[this.sources.length - 1].lines++;
  }

  malformed(line: number, text: string, reason: string): void {
    this.lines.total++;
    this.lines.malformed++;
    const source = this.sources[this.sources.length - 1];
    source.lines++;
    if (this.lines.examples.length < EXAMPLES) this.lines.examples.push({ path: source.path, line, text: text.slice(0, 200), reason });
  }

  add(l: LogLine): void {
    this.lines.total++;
    this.lines[l.format]++;
    this.sources[this.sources.length - 1].lines++;
    this.requests++;
    const startMs = l.endMs - l.requestMs;
    if (startMs < this.firstStartMs) this.firstStartMs = startMs;
    if (l.endMs > this.lastEndMs) this.lastEndMs = l.endMs;
    this.series.add('requests', startMs);
    this.statuses[l.status]++;
    const method = this.methods.size < METHODS || this.methods.has(l.method) ? l.method : 'other';
    this.methods.set(method, (this.methods.get(method) ?? 0) + 1);
    if (l.rttUs === null) this.rttMissing++;
    else this.rtt.record(l.rttUs);

    const known = this.open.get(l.connection);
    const n = l.connectionRequests;
    // request 1 under a known serial is a new connection (nginx restarts $connection at 1 after a
    // reload, while old workers still log their own); so is a number already passed, unless the
    // connection skipped numbers: HTTP/2 streams end, and are logged, out of order
    if (known && n !== 1 && (n > known.lastRequest || known.skipped > 0)) {
      if (n === known.lastRequest + 1) {
        const idle = startMs - known.lastEndMs;
        if (idle < 0) this.overlapping++;
        else this.idle.record(idle);
      } else if (n > known.lastRequest) {
        known.skipped += n - known.lastRequest - 1;
        this.unlogged += n - known.lastRequest - 1;
      } else {
        known.skipped--;
        this.unlogged--;
        this.overlapping++;
      }
      if (n > known.lastRequest) known.lastRequest = n;
      if (l.endMs > known.lastEndMs) known.lastEndMs = l.endMs;
    } else {
      if (known) this.close(l.connection, known);
      this.connections.total++;
      if (l.connectionRequests === 1) {
        this.connections.opened++;
        this.series.add('opened', startMs);
      } else {
        this.connections.continued++;
      }
      this.open.set(l.connection, { firstStartMs: startMs, lastEndMs: l.endMs, lastRequest: n, skipped: 0 });
    }
    if (this.lastEndMs - this.sweptAtMs >= this.horizonMs / SWEEPS_PER_HORIZON) this.sweep();
  }

  /**
   * Connections idle past the horizon, counted closed (at their last request's end, however late
   * the sweep finds them). Every open connection had a request within about the horizon, so a
   * sweep costs at most the lines of a few horizons: a handful of steps per line at most.
   */
  private sweep(): void {
    this.sweptAtMs = this.lastEndMs;
    for (const [id, c] of this.open) {
      if (this.lastEndMs - c.lastEndMs <= this.horizonMs) continue;
      this.close(id, c);
      this.connections.closedByHorizon++;
    }
  }

  private close(id: number, c: OpenConnection): void {
    this.open.delete(id);
    this.perConnection.record(c.lastRequest);
    this.series.add('spanStarts', c.firstStartMs);
    this.series.add('spanEnds', c.lastEndMs);
  }

  /** The shape, once every line is in: the connections still open are counted closed at the log's end. */
  finish(createdAt = new Date()): Shape {
    for (const [id, c] of this.open) {
      this.close(id, c);
      this.connections.openAtEnd++;
    }
    const { fromMs, bucketMs, values } = this.series.buckets();
    const open: number[] = [];
    let started = 0;
    let ended = 0;
    for (let i = 0; i < values.requests.length; i++) {
      // open during bucket i: began by its end, and did not end before its start
      started += values.spanStarts[i];
      open.push(started - ended);
      ended += values.spanEnds[i];
    }
    const seconds = (values.requests.length * bucketMs) / 1000;
    const rate = (series: number[]) => ({
      meanPerSecond: seconds ? series.reduce((a, b) => a + b, 0) / seconds : 0,
      peakPerSecond: largest(series) / (bucketMs / 1000),
    });
    const sorted = (entries: [string, number][]) => Object.fromEntries(entries.sort((a, b) => b[1] - a[1]));
    const statuses = [...this.statuses.entries()].filter(([, n]) => n > 0).map(([status, n]): [string, number] => [String(status), n]);
    return {
      schemaVersion: SHAPE_SCHEMA_VERSION,
      createdAt: createdAt.toISOString(),
      sources: this.sources,
      horizonMs: this.horizonMs,
      lines: this.lines,
      span: { fromMs: this.requests ? this.firstStartMs : 0, toMs: this.requests ? this.lastEndMs : 0 },
      requests: { total: this.requests, rate: rate(values.requests), unlogged: this.unlogged, methods: sorted([...this.methods]), statuses: sorted(statuses) },
      connections: {
        ...this.connections,
        open: { mean: open.length ? open.reduce((a, b) => a + b, 0) / open.length : 0, peak: largest(open) },
        opening: rate(values.opened),
        requestsPerConnection: this.perConnection.figures(),
      },
      idleMs: { ...this.idle.figures(), overlapping: this.overlapping },
      rttUs: { ...this.rtt.figures(), missing: this.rttMissing },
      series: { fromMs, bucketMs, requests: values.requests, opened: values.opened, open },
    };
  }
}
