// A network delay between the load and the proxy (`network.delayMs` each way). Loopback has a
// round trip of tens of µs and this kernel has no netem, so the stack puts a user-space relay in
// the path (delay-line-thread.ts). Limits, said where they show: the TCP handshake itself is not
// delayed (the relay accepts at once and opens its upstream connection at once), and a refused
// upstream reaches the client as a reset after the delay, not as a refused connect.
import { startThreadModule } from '../threads.ts';

export interface DelayLineOptions {
  /** where it forwards to: an http:// or https:// origin on an IP address (TLS crosses it untouched, for the same name) */
  upstream: string;
  delayMs: number;
}

/** What the relay's thread is given. */
export interface DelayLineThreadOptions {
  upstreamHost: string;
  upstreamPort: number;
  delayMs: number;
}

/** How long items were really held in one direction (asked: delayMs; timers add their granularity). */
export interface HoldSummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface DelayLineStats {
  delayMs: number;
  /** client → proxy */
  up: HoldSummary;
  /** proxy → client */
  down: HoldSummary;
}

export type DelayLineMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'stopped'; stats: DelayLineStats };

export interface DelayLine {
  /** where the load connects, e.g. http://127.0.0.1:41234 */
  origin: string;
  port: number;
  /** Close it (open connections are destroyed); what it measured. */
  stop(): Promise<DelayLineStats>;
}

/** The round trip the delay line added, by the medians of each way. */
export const addedRoundTripMs = (s: DelayLineStats) => s.up.p50Ms + s.down.p50Ms;

export async function startDelayLine(options: DelayLineOptions): Promise<DelayLine> {
  const upstream = new URL(options.upstream);
  const threadOptions: DelayLineThreadOptions = {
    upstreamHost: upstream.hostname,
    upstreamPort: Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80)),
    delayMs: options.delayMs,
  };
  const worker = startThreadModule(new URL('./delay-line-thread.ts', import.meta.url), threadOptions);
  const next = () =>
    new Promise<DelayLineMessage>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the delay line's thread exited (code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (m: DelayLineMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve(m);
      });
    });
  const first = await next();
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new Error(`the delay line could not start: ${first.type === 'failed' ? first.message : first.type}`);
  }
  let stopped: Promise<DelayLineStats> | null = null;
  return {
    origin: `${upstream.protocol}//127.0.0.1:${first.port}`,
    port: first.port,
    stop() {
      stopped ??= (async () => {
        const reply = next();
        worker.postMessage({ type: 'stop' });
        const m = await reply;
        await worker.terminate();
        if (m.type !== 'stopped') throw new Error(`the delay line did not stop cleanly: ${m.type}`);
        return m.stats;
      })();
      return stopped;
    },
  };
}
