// The agent: the load generator and recorder alone, run by a scheduler (Swarm, Kubernetes) on
// any machine. It asks the coordinator for its share of the load, fixes its clock against the
// coordinator's, loads the URL until told to stop, and uploads its records with the facts needed
// to merge them. It decides nothing: the analysis is the coordinator's.
//   node agent.mjs <coordinator URL>      (or DOWNTIME_COORDINATOR; DOWNTIME_TASK names it)
import { Agent, request } from 'node:http';
import { hostname } from 'node:os';
import { nowNs } from '../clock.ts';
import { loadThreads, startLoad, type RunningLoad } from '../load/generator.ts';
import { encodeRecords } from '../records/file.ts';
import { encodeUpload, type ExchangeWire, type GoAnswer, type Hello, type UploadHeader, type Welcome } from './messages.ts';

const coordinator = (process.argv[2] ?? process.env.DOWNTIME_COORDINATOR ?? '').replace(/\/$/, '');
const PROGRESS_EVERY_MS = 250;

// node:http on one kept-alive connection rather than fetch: a clock exchange's round trip is its
// error bound, and fetch adds about a millisecond of its own to each.
const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

function post(path: string, body: unknown, raw = false): Promise<Buffer> {
  const payload = raw ? (body as Buffer) : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(`${coordinator}${path}`, { method: 'POST', agent: keepAlive, headers: { 'content-length': payload.length } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const answer = Buffer.concat(parts);
        if (res.statusCode === 200) resolve(answer);
        else reject(new Error(`${path}: the coordinator answered ${res.statusCode} ${answer.toString()}`));
      });
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`${path}: ${err.message} (coordinator ${coordinator})`)));
    req.end(payload);
  });
}

const postJson = async <T>(path: string, body: unknown): Promise<T> => JSON.parse((await post(path, body)).toString()) as T;

/** A burst of clock exchanges, one after another (the coordinator keeps the shortest). */
async function exchanges(n: number): Promise<ExchangeWire[]> {
  const out: ExchangeWire[] = [];
  for (let i = 0; i < n; i++) {
    const sent = nowNs();
    const coordinatorNs = (await post('/clock', {})).toString();
    out.push([String(sent), coordinatorNs.trim(), String(nowNs())]);
  }
  return out;
}

async function main(): Promise<void> {
  if (!/^https?:\/\//.test(coordinator)) throw new Error('usage: agent <coordinator URL> (or DOWNTIME_COORDINATOR)');
  const hello: Hello = { task: process.env.DOWNTIME_TASK || hostname(), host: hostname() };
  const welcome = await postJson<Welcome>('/hello', hello);
  const { agent } = welcome;
  let load: RunningLoad | null = null;
  try {
    const start = await exchanges(welcome.exchanges);
    const go = await postJson<GoAnswer>('/ready', { agent, exchanges: start });
    if (!go.go) throw new Error(`the coordinator called the run off: ${go.reason}`);
    const threads = loadThreads(welcome.load.threads, welcome.load.connections);
    load = await startLoad({ ...welcome.load, threads });
    let error: string | undefined;
    void load.endedEarly.then((reason) => (error = reason));
    // Progress doubles as the heartbeat; the answer says when to stop.
    for (;;) {
      await new Promise((r) => setTimeout(r, PROGRESS_EVERY_MS));
      const { stop } = await postJson<{ stop: boolean }>('/progress', { agent, ...load.progress });
      if (stop || error) break;
    }
    const result = await load.stop();
    const header: UploadHeader = {
      agent,
      originNs: String(load.originNs),
      start,
      end: await exchanges(welcome.exchanges),
      stalls: result.stalls.flatMap((s) => [s.thread, s.atUs, s.lengthUs]),
      unsent: result.unsent,
      threads,
      node: process.version,
      error,
    };
    await post(`/records?agent=${agent}`, encodeUpload(header, encodeRecords(result.records)), true);
  } catch (err) {
    await post('/failed', { agent, error: (err as Error).message }).catch(() => {});
    throw err;
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`agent: ${err.message}\n`);
    process.exit(1);
  },
);
