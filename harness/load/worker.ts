// The load generator's own thread: it sends and times requests and does nothing else, so no
// orchestration work (spawning, file writes, signals) can stall it and show up as a false gap.
// Closed loop: each connection sends its next request as soon as the previous one ends.
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { buildConnector, Client, type Dispatcher } from 'undici';
import { nowNs } from '../clock.ts';
import { OUTCOME, RecordWriter, buffersOf, type OutcomeCode } from '../records/records.ts';
import type { LoadOptions, WorkerMessage } from './protocol.ts';

const opts = workerData as LoadOptions;
const url = new URL(opts.url);
const origin = url.origin;
const path = url.pathname + url.search;
const headers = opts.clientKeepAlive ? {} : { connection: 'close' };
const connector = buildConnector({ timeout: opts.timeoutMs });
const SERVED_BY = Buffer.from('x-served-by');
const BLUE = Buffer.from('blue');
const GREEN = Buffer.from('green');

// Sized up front from the expected count: growing mid-run would stall this thread (a false gap).
const records = new RecordWriter(opts.capacityHint);
const originNs = nowNs();
const sinceOrigin = () => Number(nowNs() - originNs) / 1000;
let nextConnId = 0;
let stopping = false;
/** set when a request that outlived its own timeout is cut at stop: recorded as CUT_AT_STOP */
let cutting = false;
let failed = 0;

/** One keep-alive connection and the closed loop of requests on it. */
class ConnectionLoop implements Dispatcher.DispatchHandler {
  readonly client: Client;
  connId = -1;
  /** requests completed on the current socket */
  served = 0;
  private start = 0;
  private written = false;
  private reused = false;
  private status = 0;
  private colour = 0;
  private finished: () => void = () => {};
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor() {
    this.client = new Client(origin, {
      pipelining: 1,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
      connect: (connectOpts, callback) => {
        this.connId = nextConnId++;
        this.served = 0;
        connector(connectOpts, (err, socket) => {
          if (socket) loopsBySocket.set(socket as Socket, this);
          // undici's connector calls back with either an error or a socket.
          (callback as (e: Error | null, s: unknown) => void)(err, socket);
        });
      },
    });
  }

  next(): void {
    if (!stopping && records.count >= opts.maxRequests) void finish();
    if (stopping) {
      this.finished();
      return;
    }
    this.start = sinceOrigin();
    this.written = false;
    this.status = 0;
    this.colour = 0;
    this.client.dispatch({ origin, path, method: 'GET', headers }, this);
  }

  /** The request's headers are going out now: "write begins". undici writes only on the socket
   * our connector handed it last, so a request is on a reused connection when that socket has
   * already served one. */
  onWritten(): void {
    this.start = sinceOrigin();
    this.written = true;
    this.reused = this.served > 0;
  }

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      // Header names are case-insensitive: Caddy, for one, sends X-Served-By.
      if (rawHeaders[i].length === SERVED_BY.length && rawHeaders[i].toString('latin1').toLowerCase() === 'x-served-by') {
        const v = rawHeaders[i + 1];
        this.colour = v.equals(BLUE) ? 1 : v.equals(GREEN) ? 2 : 0;
      }
    }
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    const ok = this.status >= opts.successMin && this.status <= opts.successMax;
    this.record(ok ? OUTCOME.ok : OUTCOME.httpError, '');
    this.served++;
    // Next turn: undici closes a socket whose response said `Connection: close` right after
    // this callback, and the next request must see it closed to be counted as a new connection.
    queueMicrotask(() => this.next());
  }

  onError(err: Error): void {
    const e = err as Error & { code?: string };
    this.record(OUTCOME.transportError, cutting ? 'CUT_AT_STOP' : (e.code ?? e.name ?? 'Error'));
    queueMicrotask(() => this.next());
  }

  private record(outcome: OutcomeCode, errorCode: string): void {
    if (outcome !== OUTCOME.ok) failed++;
    records.push({
      start: this.start,
      end: sinceOrigin(),
      outcome,
      status: this.status,
      errorCode,
      conn: this.connId,
      reused: this.written && this.reused,
      colour: this.colour,
    });
  }
}

const loopsBySocket = new WeakMap<Socket, ConnectionLoop>();
subscribe('undici:client:sendHeaders', (message) => {
  const { socket } = message as { socket: Socket };
  loopsBySocket.get(socket)?.onWritten();
});

const loops = Array.from({ length: opts.connections }, () => new ConnectionLoop());
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => parentPort!.postMessage(m, transfer);

async function finish(): Promise<void> {
  stopping = true;
  clearInterval(progress);
  clearTimeout(deadline);
  // In-flight requests end normally. One still running well past its own timeout (undici's
  // timers are coarse, up to ~1 s late) is cut, and recorded as cut, not dropped.
  const cut = setTimeout(() => {
    cutting = true;
    for (const l of loops) l.client.destroy().catch(() => {});
  }, opts.timeoutMs + 2000);
  await Promise.all(loops.map((l) => l.done));
  clearTimeout(cut);
  await Promise.all(loops.map((l) => l.client.destroy().catch(() => {})));
  const set = records.finish();
  post({ type: 'done', records: set }, buffersOf(set));
}

parentPort!.on('message', (m: { type: 'stop' }) => {
  if (m.type === 'stop' && !stopping) void finish();
});
// Bounded whatever happens to the orchestrator: the worker stops itself at its hard limit.
const deadline = setTimeout(() => void finish(), opts.maxDurationMs);
const progress = setInterval(() => post({ type: 'progress', requests: records.count, failed }), 250);

post({ type: 'started', originNs: String(originNs) });
for (const l of loops) l.next();
