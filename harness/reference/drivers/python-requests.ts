// Python requests, a Session per user.
import { CODE } from '../../records/failure-codes.ts';
import { python3, type ClientDriver } from '../driver.ts';
import { SMALL_OPEN_LOAD } from './shapes.ts';

export const pythonRequests: ClientDriver = {
  name: 'python-requests',
  library: 'Python requests (Session)',
  install: 'npm run setup -- --with-clients (Debian: apt-get install python3-requests)',
  installedBySetup: true,
  program: 'requests_session.py',
  command: async (path) => [python3(), '-B', path],
  // what the caller caught : its innermost cause (programs/driver_loop.py)
  codes: {
    'ConnectionError:RemoteDisconnected': CODE.SOCKET_CLOSED,
    'ConnectionError:ECONNRESET': CODE.RESET,
    'ConnectionError:EPIPE': CODE.BROKEN_PIPE,
    'ConnectionError:ECONNREFUSED': CODE.REFUSED,
    'ReadTimeout:ReadTimeoutError': CODE.HEADERS_TIMEOUT,
    'ConnectTimeout:ConnectTimeoutError': CODE.CONNECT_TIMEOUT,
  },
  crossCheck: SMALL_OPEN_LOAD,
};
