// The orchestrator's handle on the load threads: it starts them, gives them one origin on the
// shared clock, and merges what each recorded.
import type { Worker } from 'node:worker_threads';
import type { AgentFacts } from '../records/agent-facts.ts';
import { availableParallelism } from 'node:os';
import { nowNs } from '../clock.ts';
import { startThreadModule } from '../threads.ts';
import type { HiddenFailure, LoadStall, RecordSet } from '../records/records.ts';
import { mergeRecordSets } from '../records/merge.ts';
import type { LoadOptions, OrchestratorMessage, ThreadOptions, WorkerMessage } from './messages.ts';

export interface LoadProgress {
  requests: number;
  failed: number;
}

export interface LoadResult {
  records: RecordSet;
  /** every thread's stalls, in time order */
  stalls: LoadStall[];
  /** open model: requests due but never sent (every connection busy until the load stopped) */
  unsent: number;
  /** failed first attempts a retrying client resent, in time order */
  hidden: HiddenFailure[];
  /** load from agents (harness/agents): what each was, and how its clock was aligned */
  agents?: AgentFacts[];
  /** load from agents: an agent was lost, so the records lack its share */
  error?: string;
}

/** Which HTTP client made a run's load, and its version (run.json's meta.client). */
export interface LoadClientInfo {
  name: string;
  version: string;
}

export interface RunningLoad {
  /** the load origin on the shared monotonic clock: every time in the run is relative to it */
  originNs: bigint;
  /** a reference's load (calibrate --cross-check): its own client; absent: the harness's load threads, here or on agents */
  client?: LoadClientInfo;
  progress: LoadProgress;
  /** Resolves with the reason if a thread stops on its own (hit a cap); never rejects. */
  endedEarly: Promise<string>;
  /** Ask the threads to stop; resolves with every record once in-flight requests have ended. */
  stop(): Promise<LoadResult>;
}

type ThreadResult = { records: RecordSet; stalls: Float64Array; unsent: number; hidden: HiddenFailure[] };

interface Thread {
  worker: Worker;
  progress: LoadProgress;
  done: Promise<ThreadResult>;
}

/** Splits n into `parts` near-equal whole shares (the first ones take the remainder). */
export const share = (n: number, parts: number, i: number) => Math.floor(n / parts) + (i < n % parts ? 1 : 0);

function startThread(options: LoadOptions, index: number, onEarly: (reason: string) => void): { thread: Thread; ready: Promise<void> } {
  const threadOptions: ThreadOptions = {
    ...options,
    thread: index,
    threads: options.threads,
    connections: share(options.connections, options.threads, index),
    maxRequests: Math.ceil(options.maxRequests / options.threads),
  };
  const worker = startThreadModule(new URL('./worker.ts', import.meta.url), threadOptions);
  const progress: LoadProgress = { requests: 0, failed: 0 };
  let resolveReady!: () => void;
  let resolveDone!: (r: ThreadResult) => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((res) => (resolveReady = res));
  const done = new Promise<ThreadResult>((res, rej) => {
    resolveDone = res;
    fail = rej;
  });
  const readyOrFail = Promise.race([ready, done.then(() => {})]);
  done.catch(() => {}); // observed through stop() or the start promise
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'ready') resolveReady();
    else if (m.type === 'progress') Object.assign(progress, { requests: m.requests, failed: m.failed });
    else if (m.type === 'ended-early') onEarly(m.reason);
    else if (m.type === 'done') {
      resolveDone({ records: m.records, stalls: m.stalls, unsent: m.unsent, hidden: m.hidden });
      void worker.terminate();
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`load thread ${index + 1} exited (code ${code}) before it handed over its records`)));
  return { thread: { worker, progress, done }, ready: readyOrFail };
}

export async function startLoad(options: LoadOptions): Promise<RunningLoad> {
  let resolveEarly!: (reason: string) => void;
  const endedEarly = new Promise<string>((res) => (resolveEarly = res));
  const started = Array.from({ length: options.threads }, (_, i) => startThread(options, i, resolveEarly));
  const threads = started.map((s) => s.thread);
  try {
    await Promise.all(started.map((s) => s.ready));
  } catch (err) {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw err;
  }
  // One origin for every thread, taken once all are ready to send: none starts late.
  const originNs = nowNs();
  const send = (m: OrchestratorMessage) => threads.forEach((t) => t.worker.postMessage(m));
  send({ type: 'go', originNs: String(originNs) });
  const progress: LoadProgress = {
    get requests() {
      return threads.reduce((n, t) => n + t.progress.requests, 0);
    },
    get failed() {
      return threads.reduce((n, t) => n + t.progress.failed, 0);
    },
  };

  return {
    originNs,
    progress,
    endedEarly,
    async stop() {
      send({ type: 'stop' });
      // A thread cuts its own requests at timeoutMs + 2 s; past that it is stuck.
      const limitMs = options.timeoutMs + 10_000;
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          threads.forEach((t) => void t.worker.terminate());
          reject(new Error(`a load thread did not hand over its records within ${limitMs} ms of being stopped`));
        }, limitMs);
      });
      const parts = await Promise.race([Promise.all(threads.map((t) => t.done)), stuck]).finally(() => clearTimeout(timer));
      const stalls = parts
        .flatMap(({ stalls: s }, thread) => Array.from({ length: s.length / 2 }, (_, k) => ({ thread, atUs: s[2 * k], lengthUs: s[2 * k + 1] })))
        .sort((a, b) => a.atUs - b.atUs);
      return {
        records: mergeRecordSets(parts.map((p) => p.records)),
        stalls,
        unsent: parts.reduce((n, p) => n + p.unsent, 0),
        hidden: parts.flatMap((p) => p.hidden).sort((a, b) => a.startUs - b.startUs),
      };
    },
  };
}

/**
 * Load threads for `load.threads`: auto leaves two cores to the proxy and the apps and takes half
 * of the rest (one on a 2-core machine), never more threads than connections.
 */
export function loadThreads(setting: number | 'auto', connections: number, cores = availableParallelism()): number {
  const n = setting === 'auto' ? Math.max(1, Math.floor((cores - 2) / 2)) : setting;
  return Math.max(1, Math.min(n, connections));
}
