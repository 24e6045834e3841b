// Python httpx, a Client per user.
import { CODE } from '../../records/failure-codes.ts';
import { python3, type ClientDriver } from '../driver.ts';
import { SMALL_OPEN_LOAD } from './shapes.ts';

export const pythonHttpx: ClientDriver = {
  name: 'python-httpx',
  library: 'Python httpx (Client)',
  install: 'npm run setup -- --with-clients (Debian: apt-get install python3-httpx)',
  installedBySetup: true,
  program: 'httpx_client.py',
  command: async (path) => [python3(), '-B', path],
  // what the caller caught : its innermost cause (programs/driver_loop.py)
  codes: {
    'RemoteProtocolError:RemoteProtocolError': CODE.SOCKET_CLOSED,
    'ReadError:ECONNRESET': CODE.RESET,
    'WriteError:EPIPE': CODE.BROKEN_PIPE,
    'WriteError:ECONNRESET': CODE.RESET,
    'ConnectError:ECONNREFUSED': CODE.REFUSED,
    'ReadTimeout:TimeoutError': CODE.HEADERS_TIMEOUT,
    'ConnectTimeout:TimeoutError': CODE.CONNECT_TIMEOUT,
  },
  crossCheck: SMALL_OPEN_LOAD,
};
