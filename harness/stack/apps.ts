// The blue and green app fixtures, each in its own process, as a deployment runs them.
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Colour } from '../records/records.ts';
import { CannotMeasure } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { spawnTracked, stopChild } from './processes.ts';

const FIXTURE = fileURLToPath(new URL('./fixture/app.mjs', import.meta.url));

export interface RunningApp {
  colour: Colour;
  port: number;
  pid: number;
  /** Resolves once the app answers its health endpoint with 200. */
  healthy(): Promise<void>;
  /** SIGTERM (graceful: in-flight requests finish), resolves when the process has exited. */
  stop(): Promise<void>;
  /** Resolves, with what happened, if the app exits without stop() being called. */
  ended: Promise<string>;
}

/** Spawns a fixture; resolves once it is listening (the "started" moment). */
export async function startApp(colour: Colour, apps: Scenario['apps'], port: number): Promise<RunningApp> {
  const child = spawnTracked(process.execPath, [
    FIXTURE,
    '--colour', colour,
    '--port', String(port),
    '--delay-ms', String(apps.delayMs),
    '--body-bytes', String(apps.bodyBytes),
    '--healthy-after-ms', String(apps.healthyAfterMs),
  ]);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const listening = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line) as { listening: number }).listening);
    });
    child.once('exit', (code) =>
      reject(new CannotMeasure(`${colour} app exited (code ${code}) before listening: ${stderr.trim() || '(no output)'}`)),
    );
    child.once('error', (err) => reject(new CannotMeasure(`${colour} app could not start: ${err.message}`)));
    setTimeout(
      () => reject(new CannotMeasure(`${colour} app did not listen within ${apps.healthTimeoutMs} ms (apps.healthTimeoutMs)`)),
      apps.healthTimeoutMs,
    ).unref();
  }).catch(async (err) => {
    await stopChild(child, 'SIGKILL');
    throw err;
  });
  let stopping = false;
  const ended = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) resolve(`the ${colour} app exited unexpectedly (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    }),
  );
  return {
    colour,
    port: listening,
    pid: child.pid!,
    healthy: () => waitHealthy(colour, listening, apps.healthTimeoutMs, child),
    stop: () => {
      stopping = true;
      return stopChild(child, 'SIGTERM');
    },
    ended,
  };
}

async function waitHealthy(colour: Colour, port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new CannotMeasure(`${colour} app exited before it became healthy`);
    if ((await healthStatus(port)) === 200) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new CannotMeasure(`${colour} app on port ${port} did not become healthy within ${timeoutMs} ms (apps.healthTimeoutMs)`);
}

function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/__health', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
