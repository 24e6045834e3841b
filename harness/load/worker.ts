// A load generator thread: it sends and times requests and does nothing else, so no
// orchestration work (spawning, file writes, signals) can stall it and show up as a false gap.
// Closed loop: each connection sends its next request as soon as the previous one ends.
// Open model: requests are due at the pacer's times over a pool of keep-alive connections; a
// request due while every connection is busy waits for one, and keeps its due time (`scheduled`).
// Shape model: connections arrive at the pacer's times and replay a traffic shape (replay.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { nowNs } from '../clock.ts';
import { CODE } from '../records/failure-codes.ts';
import { OUTCOME, RecordWriter, buffersOf, type HiddenFailure, type OutcomeCode } from '../records/records.ts';
import { resends } from './client-profiles.ts';
import type { HeaderLookup, LoadClient, RequestHandler } from './client-api.ts';
import { H1Client } from './h1-client.ts';
import { H2Client } from './h2-client.ts';
import { Backlog } from './backlog.ts';
import { createPacer, uniforms } from './pacer.ts';
import { connectionPlanner, type ConnectionPlan } from './replay.ts';
import type { OrchestratorMessage, ThreadOptions, WorkerMessage } from './messages.ts';
import { startStallProbe, type StallProbe } from './stall-probe.ts';

const opts = workerData as ThreadOptions;
const url = new URL(opts.url);
const origin = url.origin;
const method = opts.request?.method ?? 'GET';
const paths = opts.request?.paths ?? [url.pathname + url.search];
const body = opts.request?.body;
const headers = { ...opts.request?.headers, ...(opts.clientKeepAlive ? {} : { connection: 'close' }) };
let nextPath = 0;
const COLOUR_HEADER = opts.colourBy?.header ?? 'x-served-by';
const COLOUR_BODY = opts.colourBy?.bodyPattern ? new RegExp(opts.colourBy.bodyPattern) : null;
/** how much of a body is searched for the colour */
const BODY_SEARCHED = 64 * 1024;
/**
 * With `pacing: 'poll'`, closer than this to a due time the open model polls (setImmediate)
 * instead of arming a timer: timers fire up to 2–3 ms late (now and then 5), polling sends within µs but keeps a
 * core busy (and a busy thread is the first the OS sets aside on a crowded machine).
 */
const POLL_WITHIN_US = 2000;

const records = new RecordWriter();
/** first attempts resent by the retrying client: few (a handful per reload), so plain objects */
const hidden: HiddenFailure[] = [];
let originNs = 0n; // set by the orchestrator's 'go', shared by every thread
const sinceOrigin = () => Number(nowNs() - originNs) / 1000;
let nextConnId = 0;
let stopping = false;
/** set when a request that outlived its own timeout is cut at stop: recorded as CODE.CUT_AT_STOP */
let cutting = false;
let failed = 0;
let sent = 0;
let inFlight = 0;
let allIdle: () => void = () => {};
let probe: StallProbe | null = null;
/** open and shape models: requests due but still waiting for a connection */
let unsent = () => 0;

/** One keep-alive connection; `after` decides what it does once a request has ended. */
class Connection implements RequestHandler {
  readonly client: LoadClient;
  connId = -1;
  /** requests completed on the current socket */
  served = 0;
  /** when the last request ended (its record's end), µs since the origin */
  endedAt = 0;
  private scheduled = 0;
  private start = 0;
  private path = '';
  /** this attempt is a resend: its record keeps the first attempt's start */
  private resent = false;
  private written = false;
  private reused = false;
  private status = 0;
  private colour = 0;
  /** the response body so far, only when the colour is read from it */
  private body = '';

  constructor(private readonly after: (c: Connection) => void) {
    const opening = () => {
      this.connId = nextConnId++;
      this.served = 0;
    };
    const options = { timeoutMs: opts.timeoutMs, ca: opts.tls?.ca, opening };
    this.client = opts.http2 ? new H2Client(origin, options, headers) : new H1Client(origin, options);
  }

  send(scheduled: number): void {
    inFlight++;
    this.scheduled = scheduled;
    this.start = sinceOrigin();
    this.resent = false;
    this.path = paths[nextPath];
    nextPath = (nextPath + 1) % paths.length;
    this.dispatch();
  }

  private dispatch(): void {
    this.written = false;
    this.status = 0;
    this.colour = 0;
    this.body = '';
    this.client.dispatch({ path: this.path, method, headers, body }, this);
  }

  /** The request's head is going out now: "write begins". A request is on a reused connection
   * when its socket has already served one. */
  onWritten(): void {
    if (!this.resent) this.start = sinceOrigin();
    this.written = true;
    this.reused = this.served > 0;
  }

  onHeaders(statusCode: number, header: HeaderLookup): void {
    this.status = statusCode;
    // Header names are case-insensitive (Caddy, for one, sends X-Served-By): the lookup folds case.
    const colour = header(COLOUR_HEADER);
    if (colour !== undefined) this.colour = colourOf(colour);
  }

  onData(chunk: Buffer): boolean {
    if (COLOUR_BODY && this.body.length < BODY_SEARCHED) this.body += chunk.toString('utf8', 0, Math.min(chunk.length, BODY_SEARCHED));
    return true;
  }

  onComplete(): void {
    if (COLOUR_BODY) this.colour = colourOf(COLOUR_BODY.exec(this.body)?.[1] ?? '');
    const ok = this.status >= opts.successMin && this.status <= opts.successMax;
    this.record(ok ? OUTCOME.ok : OUTCOME.httpError, '');
    this.served++;
    // Next turn: the client is still inside its read of this response (and drops a socket whose
    // response said `Connection: close`); the next request must start after both.
    queueMicrotask(() => this.ended());
  }

  onError(err: Error): void {
    const e = err as Error & { code?: string };
    const code = cutting ? CODE.CUT_AT_STOP : (e.code ?? e.name ?? 'Error');
    if (opts.resendOnReused && resends({ reused: this.written && this.reused, answered: this.status > 0, code, resent: this.resent })) {
      // What the user sees is the resend's outcome; the wire's failure is kept aside. The
      // client has dropped the dead socket by now, so the resend opens a fresh connection.
      hidden.push({ startUs: this.start, endUs: sinceOrigin(), code });
      this.resent = true;
      queueMicrotask(() => this.dispatch());
      return;
    }
    this.record(OUTCOME.transportError, code);
    queueMicrotask(() => this.ended());
  }

  private ended(): void {
    inFlight--;
    this.after(this);
    if (stopping && inFlight === 0) allIdle();
  }

  private record(outcome: OutcomeCode, errorCode: string): void {
    if (outcome !== OUTCOME.ok) failed++;
    this.endedAt = sinceOrigin();
    records.push({
      scheduled: this.scheduled,
      start: this.start,
      end: this.endedAt,
      outcome,
      status: this.status,
      errorCode,
      conn: this.connId,
      reused: this.written && this.reused,
      colour: this.colour,
    });
  }
}

/** 1 blue, 2 green, 0 neither (the record's colour column). */
function colourOf(value: string): number {
  const v = value.toLowerCase();
  return v.includes('blue') ? 1 : v.includes('green') ? 2 : 0;
}

/** every connection the load has open or may still use (the shape model's leave as they close) */
const connections = new Set<Connection>();
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => parentPort!.postMessage(m, transfer);

/** Counts a request about to be sent; false when the load is over (stopping, or at its cap). */
function admit(): boolean {
  if (stopping) return false;
  if (sent >= opts.maxRequests) {
    void finish(`hit its request cap (${opts.maxRequests.toLocaleString('en-US')} requests)`);
    return false;
  }
  sent++;
  return true;
}

function closedLoop(): void {
  const again = (c: Connection) => {
    if (admit()) c.send(sinceOrigin());
  };
  for (let i = 0; i < opts.connections; i++) connections.add(new Connection(again));
  for (const c of connections) again(c);
}

/**
 * The open model. Until the pool holds `connections`, a due request opens a new connection;
 * then it takes the one idle longest (so each sits idle about connections ÷ rate between
 * requests, as a real client population's do), or, if all are busy, waits in the backlog.
 */
function openModel(): void {
  const idle: Connection[] = [];
  const backlog = new Backlog<number>();
  const release = (c: Connection) => {
    // Once stopping, what still waits is not sent: a backlog is a load that fell behind, and
    // sending it would stretch the run past its end (it is counted as unsent instead).
    const scheduled = stopping ? undefined : backlog.shift();
    if (scheduled !== undefined) c.send(scheduled);
    else idle.push(c);
  };
  unsent = () => backlog.length;
  paced((scheduled) => {
    if (!admit()) return false;
    let c: Connection | undefined;
    if (connections.size < opts.connections) connections.add((c = new Connection(release)));
    else c = idle.shift();
    if (c) c.send(scheduled);
    else backlog.push(scheduled);
    return true;
  });
}

/**
 * The shape model. Connections arrive at the pacer's times; each makes the requests its plan
 * draws, one after another, each due its idle gap after the previous response ended, then
 * closes (a new connection id each). At most `connections` are open at once: an arrival beyond
 * waits for one to close, keeping its due time; those still waiting when the load stops are
 * counted unsent, every request of their plans. A waiting connection is three numbers; there are
 * at most the arrivals within the thread's time cap.
 */
function shapeModel(): void {
  // Its own stream, apart from the pacer's, so the plans do not depend on when arrivals fell due.
  const planner = connectionPlanner(opts.replay!, uniforms((opts.arrivals.seed + opts.thread * 0x9e3779b9) ^ 0x5f3759df));
  const backlog = new Backlog<{ scheduled: number; plan: ConnectionPlan }>();
  unsent = () => backlog.waiting().reduce((n, w) => n + w.plan.requests, 0);
  const close = (c: Connection) => {
    connections.delete(c);
    void c.client.destroy();
    const next = stopping ? undefined : backlog.shift();
    if (next) open(next.scheduled, next.plan);
  };
  const open = (scheduled: number, plan: ConnectionPlan) => {
    if (!admit()) return;
    const nextGapMs = planner.gapsOf(plan);
    let ended = 0;
    const c = new Connection(() => {
      if (++ended === plan.requests || stopping) return close(c);
      const due = c.endedAt + nextGapMs() * 1000;
      const sendWhenDue = () => {
        if (stopping) return;
        const wait = due - sinceOrigin();
        if (wait > 0) recheckAfter(wait, sendWhenDue);
        else if (admit()) c.send(due); // its due time: latency counts from when it was due
      };
      setImmediate(sendWhenDue);
    });
    connections.add(c);
    c.send(scheduled);
  };
  paced((scheduled) => {
    const plan = planner.next();
    if (connections.size < opts.connections) open(scheduled, plan);
    else backlog.push({ scheduled, plan });
    return !stopping;
  });
}

/** Calls `due(its due time)` at each of the pacer's times, until it answers false or the load stops. */
function paced(due: (scheduled: number) => boolean): void {
  const pacer = createPacer(opts.arrivals, opts.thread, opts.threads);
  let hits = 0;
  const tick = () => {
    if (stopping) return;
    const now = sinceOrigin();
    let wait: number;
    while ((wait = pacer.wait(now, hits)) <= 0) {
      if (!due(now + wait)) return; // its due time, not now: latency counts from when it was due
      hits++;
    }
    pacerTimer = recheckAfter(wait, tick);
  };
  tick();
}

/**
 * Calls `check` again once `waitUs` has passed: from a timer (`pacing` says how close to the
 * time it polls instead), and always in the check phase, just after a poll.
 *
 * Due requests go out in the check phase, never from the timer callback itself. Timers run
 * before the poll phase, so a send from one goes out before the loop has read FINs that already
 * arrived: at a reload every idle connection gets one at once, and one event loop playing 200
 * clients would write into them, a window that independent clients, each reading its socket as
 * the FIN comes, do not have (measured: 8.6–15.2 failures per reload on loopback against 1.2–1.9
 * for independent undici clients; docs/LOAD.md).
 */
function recheckAfter(waitUs: number, check: () => void): NodeJS.Timeout | undefined {
  const afterPoll = () => setImmediate(check);
  if (opts.pacing === 'timer') return setTimeout(afterPoll, waitUs / 1000);
  if (waitUs >= POLL_WITHIN_US) return setTimeout(afterPoll, Math.floor(waitUs / 1000) - 1);
  setImmediate(check);
  return undefined;
}

let pacerTimer: NodeJS.Timeout | undefined;
let deadline: NodeJS.Timeout | undefined;
let progress: NodeJS.Timeout | undefined;

async function finish(earlyReason?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (earlyReason) post({ type: 'ended-early', reason: `load thread ${opts.thread + 1} ${earlyReason}` });
  clearInterval(progress);
  clearTimeout(deadline);
  clearTimeout(pacerTimer);
  // In-flight requests end normally. One still running well past its own timeout (a
  // socket's idle timer can restart with each trickle of bytes) is cut, and recorded as cut, not dropped.
  const cut = setTimeout(() => {
    cutting = true;
    for (const c of connections) c.client.destroy().catch(() => {});
  }, opts.timeoutMs + 2000);
  if (inFlight > 0) await new Promise<void>((resolve) => (allIdle = resolve));
  clearTimeout(cut);
  const stalls = probe?.stop() ?? new Float64Array(0);
  await Promise.all([...connections].map((c) => c.client.destroy().catch(() => {})));
  const set = records.finish();
  post({ type: 'done', records: set, stalls, unsent: unsent(), hidden }, [...buffersOf(set), stalls.buffer as ArrayBuffer]);
}

parentPort!.on('message', (m: OrchestratorMessage) => {
  if (m.type === 'stop') void finish();
  else if (m.type === 'go') {
    originNs = BigInt(m.originNs);
    probe = startStallProbe(sinceOrigin);
    // Bounded whatever happens to the orchestrator: the thread stops itself at its hard limit.
    deadline = setTimeout(() => void finish(`hit its time cap (${opts.maxDurationMs} ms)`), opts.maxDurationMs);
    progress = setInterval(() => post({ type: 'progress', requests: records.count, failed }), 250);
    if (opts.model === 'open') openModel();
    else if (opts.model === 'shape') shapeModel();
    else closedLoop();
  }
});
post({ type: 'ready' });
