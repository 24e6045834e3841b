// Node's built-in fetch (its bundled undici), as a caller gets it: the global dispatcher.
import { CODE } from '../../records/failure-codes.ts';
import type { ClientDriver } from '../driver.ts';
import { SMALL_OPEN_LOAD } from './shapes.ts';

export const nodeFetch: ClientDriver = {
  name: 'node-fetch',
  library: "Node's fetch",
  install: 'Node 20 or later (fetch is built in)',
  installedBySetup: true,
  program: 'node-fetch.mjs',
  command: async (path) => [process.execPath, path],
  // fetch rejects with TypeError("fetch failed"); the program names its cause
  codes: { TimeoutError: CODE.HEADERS_TIMEOUT },
  crossCheck: SMALL_OPEN_LOAD,
};
