// Messages between the orchestrator and the load worker threads, and the options they carry.
import type { HiddenFailure, RecordSet } from '../records/records.ts';
import type { ArrivalSpec } from './pacer.ts';
import type { ReplaySpec } from './replay.ts';

export interface LoadOptions {
  /** the URL loaded, e.g. http://127.0.0.1:8080/ (its path unless request.paths says otherwise) */
  url: string;
  /**
   * closed: each connection sends its next request as soon as the last one ends (saturating).
   * open: requests are due at the pacer's times whatever the responses do, over a pool of
   * keep-alive connections that may sit idle. shape: connections arrive at the pacer's times,
   * each makes the requests `replay` draws for it, idle between them, then closes.
   */
  model: 'closed' | 'open' | 'shape';
  /** the open model's request schedule, or the shape model's connection arrivals (ignored by the closed loop) */
  arrivals: ArrivalSpec;
  /** the shape model's requests per connection and idle gaps */
  replay?: ReplaySpec;
  /** the open model's waits: poll (sends within µs, keeps a core busy) or 1 ms timers (up to 2–3 ms late, now and then 5) */
  pacing: 'poll' | 'timer';
  /** connections (closed), the pool's limit (open), or the limit on connections open at once (shape), over all threads */
  connections: number;
  /** load threads, each with its own connections, records and share of the schedule */
  threads: number;
  /** connect, headers and body timeout of one request */
  timeoutMs: number;
  /** false: every request says `Connection: close` (the client side of the seed's fix) */
  clientKeepAlive: boolean;
  /** HTTP/2 (over TLS) in place of HTTP/1.1, one stream at a time per connection (default: HTTP/1.1) */
  http2?: boolean;
  /** an https:// URL's certificate authority (PEM); none: the system's */
  tls?: { ca?: string };
  /** resend once a request that failed on a reused connection before any response byte (load.client retrying) */
  resendOnReused?: boolean;
  /** what each request is: method (GET), paths in turn (the URL's), headers, body (none) */
  request?: { method?: string; paths?: string[]; headers?: Record<string, string>; body?: string };
  /** how a response names its colour: a header (lower case; x-served-by), or a body pattern whose first group is the colour */
  colourBy?: { header: string; bodyPattern?: string };
  /** statuses in [successMin, successMax] are ok */
  successMin: number;
  successMax: number;
  /** hard bounds: the worker stops itself past either, whatever the orchestrator does */
  maxDurationMs: number;
  maxRequests: number;
}

/** What one thread is given: its share of the connections and requests, and its place. */
export interface ThreadOptions extends Omit<LoadOptions, 'threads'> {
  thread: number;
  threads: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; requests: number; failed: number }
  /** the thread stopped on its own: a cap was hit, so the rest of the run would have no load */
  | { type: 'ended-early'; reason: string }
  /**
   * stalls: [at µs, length µs] pairs of the thread's event loop (stall-probe.ts); unsent: open
   * model requests that were due but still waiting for a connection when the load stopped (shape
   * model: the requests of connections that arrived but waited for a place under the limit);
   * hidden: first attempts that failed and were resent (their requests are in records once)
   */
  | { type: 'done'; records: RecordSet; stalls: Float64Array; unsent: number; hidden: HiddenFailure[] };

export type OrchestratorMessage = { type: 'go'; originNs: string } | { type: 'stop' };
