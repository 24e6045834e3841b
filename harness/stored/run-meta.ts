// run.json's meta: what a run says about itself (when, the proxy, the client, the machine, the
// agents, the delay line, the schedule), stored beside its records and read back by the report.
import type { LoadClientInfo } from '../load/generator.ts';
import type { DelayLineStats } from '../network/delay-line.ts';
import type { AgentFacts } from '../records/agent-facts.ts';
import type { StackInfo } from '../stack/stack.ts';

export interface RunMeta {
  startedAt: string;
  proxy: { kind: string; version: string };
  /** the driver, the path the traffic took, the images (Docker); absent in runs stored before drivers */
  stack?: StackInfo;
  node: string;
  /**
   * The HTTP client that made the load, and its version (how a client handles a socket closed
   * while idle shifts the figures): the harness's own HTTP/1.1 client, Node's http2, or a
   * reference's (undici, for calibrate --cross-check). Absent in runs stored before it.
   */
  client?: LoadClientInfo;
  /** runs stored while the load used undici: its version, read back for those (new runs say `client`) */
  undici?: string;
  machine: { hostname: string; platform: string; release: string; cpus: number; cpuModel: string };
  /** what the load spoke: HTTP/1.1, HTTP/1.1 over TLS or HTTP/2 over TLS; absent in runs stored before TLS */
  protocol?: string;
  /** load threads used (load.threads resolved) */
  loadThreads: number;
  /** open model: requests due but never sent, every connection busy until the load stopped */
  loadUnsent?: number;
  /** load from agents: each one, its connection ids in the records and its clock's alignment */
  agents?: AgentFacts[];
  /** the delay line between load and proxy, as measured; null: none (network.delayMs 0) */
  network: DelayLineStats | null;
  aborted: boolean;
  error: string | null;
  /**
   * Each planned action (a switch, an outage): when it was due and when it started and ended, ms
   * from the load's start. One that overruns pushes the next back, and the cool-down runs from
   * the last one's end: why a run lasts longer than asked. Absent in runs stored before it.
   */
  schedule?: ScheduledAction[];
}

export interface ScheduledAction {
  label: string;
  dueMs: number;
  startedMs: number;
  /** null: it failed, or the run stopped, before it ended */
  endedMs: number | null;
}
