// Node's built-in fetch (its bundled undici, the global dispatcher a caller gets by default): one
// user per connection's worth of load; the users share fetch's pool, as callers in one process do.
import { colourOf, runUsers } from './node-loop.mjs';

/**
 * What the caller's catch sees: fetch rejects with TypeError("fetch failed"), its cause naming the
 * failure, or with the signal's DOMException (TimeoutError), named by its name.
 * @param {any} err
 */
const kindOf = (err) => (err?.cause ? (err.cause.code ?? err.cause.name ?? 'Error') : (err?.name ?? 'Error'));

// fetch's first call loads its machinery (~0.3 s): done before "ready", so the first request is not
// late and the next one does not find its connection still busy and open another
await (await fetch('data:,warm')).text();

runUsers(`undici ${process.versions.undici} (Node ${process.versions.node} fetch)`, (opts) => ({
  async send() {
    try {
      const res = await fetch(opts.url, { method: opts.method, headers: opts.headers, body: opts.body, signal: AbortSignal.timeout(opts.timeoutMs) });
      await res.arrayBuffer();
      return { status: res.status, kind: '', colour: colourOf(res.headers.get(opts.colourHeader)) };
    } catch (err) {
      return { status: 0, kind: kindOf(err), colour: 0 };
    }
  },
  close() {},
}));
