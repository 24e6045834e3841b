// threads.ts inside the agent's bundle (bundle.ts): a thread module is its bundled .mjs beside
// the agent, run by Node as it is.
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';

export const startThreadModule = (module: URL, workerData: unknown): Worker =>
  new Worker(new URL(`./${basename(module.pathname).replace(/\.ts$/, '.mjs')}`, import.meta.url), { workerData });
