// The orchestrator's handle on the load worker thread.
import { Worker } from 'node:worker_threads';
import type { RecordSet } from '../records/records.ts';
import type { LoadOptions, WorkerMessage } from './protocol.ts';

export interface LoadProgress {
  requests: number;
  failed: number;
}

export interface RunningLoad {
  /** the load origin on the shared monotonic clock: every time in the run is relative to it */
  originNs: bigint;
  progress: LoadProgress;
  /** Ask the worker to stop; resolves with every record once in-flight requests have ended. */
  stop(): Promise<RecordSet>;
}

export async function startLoad(options: LoadOptions): Promise<RunningLoad> {
  // The entry registers tsx in the thread, so the worker runs the same under the CLI and vitest.
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: options });
  const progress: LoadProgress = { requests: 0, failed: 0 };
  let resolveDone!: (r: RecordSet) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<RecordSet>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => {}); // observed through stop() or the start promise

  const originNs = await new Promise<bigint>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'started') resolve(BigInt(m.originNs));
      else if (m.type === 'progress') Object.assign(progress, { requests: m.requests, failed: m.failed });
      else if (m.type === 'done') {
        resolveDone(m.records);
        void worker.terminate();
      }
    });
    const fail = (e: Error) => {
      reject(e);
      rejectDone(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`load worker exited (code ${code}) before it handed over its records`)));
  });

  return {
    originNs,
    progress,
    stop() {
      worker.postMessage({ type: 'stop' });
      // The worker cuts its own requests at timeoutMs + 2 s; past that it is stuck.
      const limitMs = options.timeoutMs + 10_000;
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          void worker.terminate();
          reject(new Error(`the load worker did not hand over its records within ${limitMs} ms of being stopped`));
        }, limitMs);
      });
      return Promise.race([done, stuck]).finally(() => clearTimeout(timer));
    },
  };
}
