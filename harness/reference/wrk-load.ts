// The closed-loop reference for the cross-check: wrk (Debian's), a C load tool that shares no
// code with ours, behind the same handle as our load (RunningLoad). One connection per wrk
// thread, so its Lua script (wrk-record.lua) can match each request to its outcome and write a
// record per request on the shared monotonic clock. What wrk cannot say: when a failed request
// failed (it reconnects and says nothing), so a failure's end is wrk's next write on that thread;
// and when it reconnected after a server closed an idle connection (no request lost), so `reused`
// may call a fresh connection reused. The figure compared, failed requests, needs neither.
import { fileURLToPath } from 'node:url';
import { nowNs } from '../clock.ts';
import { CannotMeasure } from '../errors.ts';
import type { LoadProgress, RunningLoad } from '../load/generator.ts';
import type { LoadOptions } from '../load/messages.ts';
import { CODE } from '../records/failure-codes.ts';
import { OUTCOME, RecordWriter } from '../records/records.ts';
import { runCommand, spawnTracked, stopChild } from '../stack/processes.ts';

const SCRIPT = fileURLToPath(new URL('./wrk-record.lua', import.meta.url));
/** wrk starts a thread per connection: beyond this, threads, not the server, would be measured */
const MAX_CONNECTIONS = 256;

/** wrk's summary line: requests it counted, and its errors by kind. */
export interface WrkTotals {
  requests: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
}

export async function wrkVersion(): Promise<string> {
  const out = await runCommand('wrk', ['-v'], 5000).catch(() => null);
  const match = /wrk (\S+)/.exec(`${out?.stdout ?? ''}${out?.stderr ?? ''}`);
  if (!match) throw new CannotMeasure('the closed-loop cross-check needs wrk: apt-get install wrk (npm run setup installs it)');
  return match[1];
}

/** wrk at the closed loop's shape: `options.connections` connections, each sending as soon as the last response ends. */
export async function startWrkLoad(options: LoadOptions): Promise<RunningLoad> {
  if (options.model !== 'closed') throw new CannotMeasure('the wrk reference models the closed loop (load.model=closed)');
  if (options.http2 || options.url.startsWith('https:')) throw new CannotMeasure('the wrk reference speaks plain HTTP/1.1');
  if (options.connections > MAX_CONNECTIONS) throw new CannotMeasure(`the wrk reference runs a thread per connection: at most ${MAX_CONNECTIONS}`);
  await wrkVersion();
  const n = String(options.connections);
  const originNs = nowNs();
  const args = [
    ...['-t', n, '-c', n, '-d', `${Math.ceil(options.maxDurationMs / 1000)}s`, '--timeout', `${Math.ceil(options.timeoutMs / 1000)}s`],
    ...['-s', SCRIPT, options.url, '--', String(originNs), options.colourBy?.header ?? 'x-served-by'],
    ...[String(options.successMin), String(options.successMax)],
  ];
  const child = spawnTracked('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  // wrk prints nothing until it stops: progress is unknown, and said so by zeros.
  const progress: LoadProgress = { requests: 0, failed: 0 };
  let stopping = false;
  return {
    originNs,
    progress,
    endedEarly: exited.then((code) => (stopping ? new Promise<string>(() => {}) : `wrk exited on its own (code ${code}): ${stderr.trim() || 'no output'}`)),
    async stop() {
      stopping = true;
      await stopChild(child, 'SIGINT', 10_000);
      await exited;
      const { records, summary } = parseWrkOutput(stdout);
      if (!summary) throw new CannotMeasure(`wrk printed no records: ${stderr.trim() || stdout.slice(-500) || 'no output'}`);
      // Each request without a response is one of wrk's read or write errors; not every error
      // is such a request (a server's FIN between a response and wrk's next write is a read
      // error too). A connect error is a failure no request of the script saw. Records that
      // break either rule are doubtful.
      let failed = 0;
      for (let i = 0; i < records.count; i++) if (records.outcome[i] === OUTCOME.transportError) failed++;
      if (failed > summary.read + summary.write || summary.connect > 0) {
        throw new CannotMeasure(
          `wrk's records do not add up: ${failed} requests without a response, wrk counted ${summary.read} read and ${summary.write} write errors, ${summary.connect} connect errors`,
        );
      }
      return { records, stalls: [], unsent: 0, hidden: [] };
    },
  };
}

/** The script's output: "--- records", one "start end ok status conn reused colour" line per request, "--- done …" last. */
export function parseWrkOutput(text: string) {
  const records = new RecordWriter();
  let summary: WrkTotals | null = null;
  let inRecords = false;
  for (const line of text.split('\n')) {
    if (line === '--- records') inRecords = true;
    else if (line.startsWith('--- done ')) {
      const [requests, connect, read, write, status, timeout] = line.slice(9).split(' ').map(Number);
      summary = { requests, connect, read, write, status, timeout };
      inRecords = false;
    } else if (inRecords && line) {
      const [start, end, ok, status, conn, reused, colour] = line.split(' ').map(Number);
      const failed = ok === 0 && status === 0;
      records.push({
        scheduled: start,
        start,
        end,
        outcome: ok ? OUTCOME.ok : failed ? OUTCOME.transportError : OUTCOME.httpError,
        status,
        errorCode: failed ? CODE.WRK_SOCKET_ERROR : '',
        conn,
        reused: reused === 1,
        colour,
      });
    }
  }
  return { records: records.finish(), summary };
}
