// Our own threads (load, delay line) run TypeScript modules through one entry that registers
// tsx inside the thread, so they run the same under the CLI and vitest.
import { Worker } from 'node:worker_threads';

export const startThreadModule = (module: URL, workerData: unknown): Worker =>
  new Worker(new URL('./thread-entry.mjs', import.meta.url), { argv: [module.href], workerData });
