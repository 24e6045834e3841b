// Messages between the orchestrator and the load worker thread.
import type { RecordSet } from '../records/records.ts';

export interface LoadOptions {
  /** proxy URL, e.g. http://127.0.0.1:8080/ */
  url: string;
  connections: number;
  /** connect, headers and body timeout of one request */
  timeoutMs: number;
  /** false: every request says `Connection: close` (the client side of the seed's fix) */
  clientKeepAlive: boolean;
  /** statuses in [successMin, successMax] are ok */
  successMin: number;
  successMax: number;
  /** hard bounds: the worker stops itself past either, whatever the orchestrator does */
  maxDurationMs: number;
  maxRequests: number;
  /** records to allocate up front */
  capacityHint: number;
}

export type WorkerMessage =
  | { type: 'started'; originNs: string }
  | { type: 'progress'; requests: number; failed: number }
  | { type: 'done'; records: RecordSet };
