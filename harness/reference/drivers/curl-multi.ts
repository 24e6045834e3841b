// libcurl's multi interface, through pycurl: one easy handle per user, one shared connection cache.
import { CODE } from '../../records/failure-codes.ts';
import { python3, type ClientDriver } from '../driver.ts';
import { SMALL_OPEN_LOAD } from './shapes.ts';

export const curlMulti: ClientDriver = {
  name: 'curl-multi',
  library: 'libcurl (multi interface, through pycurl)',
  install: 'npm run setup -- --with-clients (Debian: apt-get install python3-pycurl)',
  installedBySetup: true,
  program: 'pycurl_multi.py',
  command: async (path) => [python3(), '-B', path],
  // libcurl's error (CURLE_*), then the socket's errno when it gives one
  codes: {
    E_GOT_NOTHING: CODE.SOCKET_CLOSED,
    'E_RECV_ERROR:ECONNRESET': CODE.RESET,
    'E_SEND_ERROR:ECONNRESET': CODE.RESET,
    'E_SEND_ERROR:EPIPE': CODE.BROKEN_PIPE,
    'E_COULDNT_CONNECT:ECONNREFUSED': CODE.REFUSED,
    E_OPERATION_TIMEDOUT: CODE.HEADERS_TIMEOUT,
  },
  crossCheck: SMALL_OPEN_LOAD,
};
