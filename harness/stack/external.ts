// A running system the harness did not start (`npm run measure -- --url …`): nothing to start or
// stop, only a URL to load. What answers there is named by its Server header, if it sends one.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CannotMeasure } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Target } from './stack.ts';

export async function startExternal(scenario: Scenario): Promise<Target> {
  const url = new URL(scenario.target!.url);
  const answer = await probe(url, scenario.load.timeoutMs);
  return {
    origin: url.origin,
    proxy: { kind: 'external', version: answer.server ?? 'unknown (no Server header)', configFiles: async () => ({}) },
    info: { driver: 'external', path: `${url.origin} (not started by the harness; answered ${answer.status} at the start)` },
    stop: async () => {},
  };
}

/** One request before the load: a URL that does not answer is bad input, not a measurement. */
function probe(url: URL, timeoutMs: number): Promise<{ status: number; server?: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, server: [res.headers.server].flat()[0] });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) =>
      reject(new CannotMeasure(`target.url ${url.href} does not answer (${(err as NodeJS.ErrnoException).code ?? err.message}); is it running?`)),
    );
    req.end();
  });
}
