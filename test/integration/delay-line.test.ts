// The delay line between load and proxy: what crosses it arrives delayMs later, in order —
// bytes, then FIN, and a reset as a reset — and it reports how long it really held things.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayLine, type DelayLine } from '../../harness/network/delay-line.ts';

let server: Server | null = null;
let line: DelayLine | null = null;
afterEach(async () => {
  await line?.stop();
  line = null;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

function listen(onSocket: (s: Socket) => void): Promise<number> {
  server = createServer({ allowHalfOpen: true }, (s) => {
    s.on('end', () => s.end()).on('error', () => {});
    onSocket(s);
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
}

const msSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Connects through the line; resolves once connected. */
function client(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('delay line', () => {
  it('adds the asked delay each way to a round trip, and says what it held', async () => {
    const port = await listen((s) => s.on('data', (d) => s.write(d)));
    line = await startDelayLine({ upstream: `http://127.0.0.1:${port}`, delayMs: 10 });
    const c = await client(line.port);
    const trips: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = process.hrtime.bigint();
      const echoed = new Promise((resolve) => c.once('data', resolve));
      c.write(`ping ${i}`);
      await echoed;
      trips.push(msSince(t0));
    }
    c.destroy();
    trips.sort((a, b) => a - b);
    expect(trips[0]).toBeGreaterThanOrEqual(20);
    expect(trips[5]).toBeLessThan(26); // timers add up to ~1 ms a way; a busy machine more
    const stats = await line.stop();
    expect(stats.delayMs).toBe(10);
    expect(stats.up.count).toBeGreaterThanOrEqual(10);
    expect(stats.up.p50Ms).toBeGreaterThanOrEqual(10);
    expect(stats.up.p50Ms).toBeLessThan(13);
    expect(stats.down.p50Ms).toBeGreaterThanOrEqual(10);
  });

  it("delivers the server's last bytes and then its FIN, both after the delay", async () => {
    const port = await listen((s) => s.end('bye'));
    line = await startDelayLine({ upstream: `http://127.0.0.1:${port}`, delayMs: 20 });
    const t0 = process.hrtime.bigint();
    const c = await client(line.port);
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      c.on('data', (d) => events.push(`data ${d} ${msSince(t0) >= 20}`));
      c.on('end', () => {
        events.push(`end ${msSince(t0) >= 20}`);
        resolve();
      });
    });
    expect(events).toEqual(['data bye true', 'end true']);
    c.destroy();
  });

  it("a reset crosses as a reset, after the delay; the client's bytes sent meanwhile meet it", async () => {
    // The server resets 30 ms in; the client writes at 25 ms, so its bytes reach the server at
    // 45 ms, after the reset: like a request crossing an exiting nginx's close.
    let received = '';
    const port = await listen((s) => {
      s.on('data', (d) => (received += d));
      setTimeout(() => s.resetAndDestroy(), 30);
    });
    line = await startDelayLine({ upstream: `http://127.0.0.1:${port}`, delayMs: 20 });
    const t0 = process.hrtime.bigint();
    const c = await client(line.port);
    setTimeout(() => c.write('GET / HTTP/1.1\r\n\r\n'), 25);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => c.once('error', resolve));
    expect(err.code).toBe('ECONNRESET');
    expect(msSince(t0)).toBeGreaterThanOrEqual(50); // 30 ms + 20 ms on its way back
    expect(received).toBe('');
  });
});
