// Every client driver, by the name --reference takes. A new client: its program in programs/,
// its declaration beside these, one line here.
import type { ClientDriver } from '../driver.ts';
import { curlMulti } from './curl-multi.ts';
import { goNetHttp } from './go-net-http.ts';
import { nodeFetch } from './node-fetch.ts';
import { nodeHttp } from './node-http.ts';
import { pythonHttpx } from './python-httpx.ts';
import { pythonRequests } from './python-requests.ts';
import { undici } from './undici.ts';

export const DRIVERS: readonly ClientDriver[] = [undici, nodeFetch, nodeHttp, pythonRequests, pythonHttpx, curlMulti, goNetHttp];
