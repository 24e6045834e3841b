// The delay line's own thread: a TCP relay on 127.0.0.1 that holds everything crossing it for
// the same time each way. Bytes, FIN (end) and RST (reset) of one direction leave in the order
// they came, each `delayMs` after it arrived, so a server's close reaches the client as late as
// it would across a network, and a request sent meanwhile still meets it. It runs in a thread of
// its own: the orchestrator's spawns and file writes must not delay what crosses it.
import { createServer, connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { nowNs } from '../clock.ts';
import type { DelayLineMessage, DelayLineThreadOptions, HoldSummary } from './delay-line.ts';

const { upstreamHost, upstreamPort, delayMs } = workerData as DelayLineThreadOptions;
const delayNs = BigInt(Math.round(delayMs * 1e6));
const FIN = Symbol('FIN');
const RST = Symbol('RST');
type Item = Buffer | typeof FIN | typeof RST;
/** How long each item was really held, µs, per direction; bounded. */
const MAX_SAMPLES = 2_000_000;
const held = { up: [] as number[], down: [] as number[] };
const sockets = new Set<Socket>();

/** One direction of one connection: a queue that releases each item delayMs after it arrived. */
class Line {
  private queue: { due: bigint; arrived: bigint; item: Item }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly to: Socket,
    private readonly samples: number[],
  ) {}

  add(item: Item): void {
    const now = nowNs();
    this.queue.push({ due: now + delayNs, arrived: now, item });
    if (!this.timer) this.arm();
  }

  private arm(): void {
    const waitMs = Number(this.queue[0].due - nowNs()) / 1e6;
    this.timer = setTimeout(() => this.release(), Math.max(0, waitMs));
  }

  private release(): void {
    this.timer = null;
    const now = nowNs();
    let k = 0;
    for (; k < this.queue.length && this.queue[k].due <= now; k++) {
      const { item, arrived } = this.queue[k];
      if (this.samples.length < MAX_SAMPLES) this.samples.push(Number(now - arrived) / 1000);
      if (this.to.destroyed) continue;
      if (item === FIN) this.to.end();
      else if (item === RST) this.to.resetAndDestroy();
      else this.to.write(item);
    }
    this.queue.splice(0, k);
    if (this.queue.length) this.arm();
  }
}

function relay(from: Socket, to: Socket, samples: number[]): void {
  const line = new Line(to, samples);
  from.on('data', (chunk) => line.add(chunk));
  from.on('end', () => line.add(FIN));
  // A reset (or a refused upstream) crosses as a reset; our own destroy raises nothing here.
  from.on('error', () => line.add(RST));
}

const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
  const upstream = connect({ port: upstreamPort, host: upstreamHost, allowHalfOpen: true, noDelay: true });
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  }
  relay(client, upstream, held.up);
  relay(upstream, client, held.down);
});

function summary(samples: number[]): HoldSummary {
  const s = Float64Array.from(samples).sort();
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] / 1000 : 0);
  return { count: s.length, p50Ms: at(50), p99Ms: at(99), maxMs: s.length ? s[s.length - 1] / 1000 : 0 };
}

const post = (m: DelayLineMessage) => parentPort!.postMessage(m);
parentPort!.on('message', (m: { type: 'stop' }) => {
  if (m.type !== 'stop') return;
  server.close();
  for (const s of sockets) s.destroy();
  post({ type: 'stopped', stats: { delayMs, up: summary(held.up), down: summary(held.down) } });
});
server.on('error', (err) => post({ type: 'failed', message: err.message }));
server.listen(0, '127.0.0.1', () => post({ type: 'ready', port: (server.address() as { port: number }).port }));
