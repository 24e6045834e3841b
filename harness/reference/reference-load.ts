// A reference client's load behind the same handle as the harness's own (RunningLoad), so a run
// with it goes through the same stack, the same switches and the same analysis. The client is a
// separate process (undici-clients.mjs) that shares nothing with our load but the clock: its
// records come back as lines and become an ordinary RecordSet.
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { nowNs } from '../clock.ts';
import { CannotMeasure } from '../errors.ts';
import type { LoadClientInfo, LoadProgress, RunningLoad } from '../load/generator.ts';
import type { LoadOptions } from '../load/messages.ts';
import { OUTCOME, RecordWriter } from '../records/records.ts';
import { spawnTracked, stopChild } from '../stack/processes.ts';

const UNDICI_CLIENTS = fileURLToPath(new URL('./undici-clients.mjs', import.meta.url));

type Row = [scheduled: number, start: number, end: number, ok: 0 | 1, status: number, code: string, conn: number, reused: 0 | 1, colour: number];

/** The undici population at the open model's shape: `options.connections` clients sharing `options.arrivals.rate`. */
export async function startUndiciLoad(options: LoadOptions): Promise<RunningLoad> {
  if (options.model !== 'open') throw new CannotMeasure('the undici reference models the open model (load.model=open)');
  const settings = {
    url: options.url,
    method: options.request?.method ?? 'GET',
    rate: options.arrivals.rate,
    connections: options.connections,
    timeoutMs: options.timeoutMs,
    successMin: options.successMin,
    successMax: options.successMax,
    colourHeader: options.colourBy?.header,
    maxDurationMs: options.maxDurationMs,
  };
  const child = spawnTracked(process.execPath, [UNDICI_CLIENTS, JSON.stringify(settings)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const records = new RecordWriter();
  const progress: LoadProgress = { requests: 0, failed: 0 };
  let resolveReady!: (client: LoadClientInfo) => void;
  let resolveDone!: () => void;
  const ready = new Promise<LoadClientInfo>((r) => (resolveReady = r));
  const done = new Promise<void>((r) => (resolveDone = r));
  // 'close', not 'exit': every line it wrote has been read by then.
  let finished = false;
  const exited = new Promise<never>((_, reject) =>
    child.once('close', (code) => {
      if (!finished) reject(new CannotMeasure(`the undici reference exited (code ${code}): ${stderr.trim() || 'no output'}`));
    }),
  );
  exited.catch(() => {});
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const value = JSON.parse(line) as Row | { ready?: true; done?: true; client?: LoadClientInfo };
    if (Array.isArray(value)) {
      const [scheduled, start, end, ok, status, code, conn, reused, colour] = value;
      const outcome = ok ? OUTCOME.ok : code ? OUTCOME.transportError : OUTCOME.httpError;
      records.push({ scheduled, start, end, outcome, status, errorCode: code, conn: Math.max(0, conn), reused: reused === 1, colour });
      progress.requests++;
      if (!ok) progress.failed++;
    } else if (value.ready) resolveReady(value.client ?? { name: 'undici', version: 'unknown' });
    else if (value.done) {
      finished = true;
      resolveDone();
    }
  });
  let client: LoadClientInfo;
  try {
    client = await Promise.race([ready, exited]);
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    throw err;
  }
  const originNs = nowNs();
  child.stdin!.write(`go ${originNs}\n`);
  return {
    originNs,
    progress,
    endedEarly: exited.catch((err: Error) => err.message),
    client,
    async stop() {
      child.stdin!.write('stop\n');
      await Promise.race([done, exited]);
      await stopChild(child);
      return { records: records.finish(), stalls: [], unsent: 0, hidden: [] };
    },
  };
}
