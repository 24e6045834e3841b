// Boots the TypeScript load worker in a thread: tsx's hooks are registered in the thread itself,
// because execArgv `--import` hooks do not reach worker threads on Node 20.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
