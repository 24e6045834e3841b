// Boots a TypeScript module (given as argv[2], a file URL) in a worker thread: tsx's hooks are
// registered in the thread itself, because execArgv `--import` hooks do not reach worker
// threads on Node 20. Used by the load threads and the delay line.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
