// Node's http.request through a keep-alive Agent per user.
import { CODE } from '../../records/failure-codes.ts';
import type { ClientDriver } from '../driver.ts';
import { SMALL_OPEN_LOAD } from './shapes.ts';

export const nodeHttp: ClientDriver = {
  name: 'node-http',
  library: "Node's http.request with a keep-alive Agent",
  install: 'Node 20 or later (built in)',
  installedBySetup: true,
  program: 'node-http.mjs',
  command: async (path) => [process.execPath, path],
  codes: {
    // Node's err.code is ECONNRESET here too; its message says the server closed with no response
    'socket hang up': CODE.SOCKET_CLOSED,
    TIMEOUT: CODE.HEADERS_TIMEOUT,
  },
  crossCheck: SMALL_OPEN_LOAD,
};
