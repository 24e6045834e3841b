// Node's http.request with a keep-alive Agent per user (maxSockets 1): each user keeps one
// connection, as a service calling another through its own Agent does.
import { Agent, request } from 'node:http';
import { colourOf, runUsers } from './node-loop.mjs';

/**
 * What the caller's 'error' handler sees. Node gives ECONNRESET both for a reset and for a server
 * that closed before any response ("socket hang up"): the message tells them apart.
 * @param {any} err
 */
const kindOf = (err) => (err?.message === 'socket hang up' ? 'socket hang up' : (err?.code ?? err?.name ?? 'Error'));

runUsers(`Node ${process.versions.node} http`, (opts) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send: () =>
      new Promise((resolve) => {
        /** @param {any} err */
        const failed = (err) => resolve({ status: 0, kind: kindOf(err), colour: 0 });
        const req = request(opts.url, { method: opts.method, headers: opts.headers, agent, timeout: opts.timeoutMs }, (res) => {
          res.on('error', failed);
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, kind: '', colour: colourOf(res.headers[opts.colourHeader]) }));
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('no response within timeoutMs'), { code: 'TIMEOUT' })));
        req.on('error', failed);
        req.end(opts.body);
      }),
    close: () => agent.destroy(),
  };
});
