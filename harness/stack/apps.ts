// The blue and green app fixtures, each in its own process, as a deployment runs them.
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Colour } from '../records/records.ts';
import { CannotMeasure } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { spawnTracked, stopChild } from './processes.ts';
import { listeningFd, waitForPort } from './ports.ts';

/** The fixture app, beside this module (in the package's bundle: dist/fixture/app.mjs). */
export const FIXTURE = fileURLToPath(new URL('./fixture/app.mjs', import.meta.url));

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

/** The path the health check asks for. */
export const healthPath = (apps: Scenario['apps']) => apps.healthPath ?? (apps.command ? '/' : '/__health');

/**
 * Spawns a fixture, or your app (apps.command); resolves once it is listening (the "started"
 * moment). `listener` is the colour's port, held open by the stack: a fixture serves on that very
 * socket (its fd 3), so no other process can take the port before it starts; your app gets the
 * port number (PORT) and binds it itself.
 */
export async function startApp(colour: Colour, apps: Scenario['apps'], listener: Server): Promise<RunningApp> {
  const { port } = listener.address() as { port: number };
  if (apps.command) {
    await new Promise((resolve) => listener.close(resolve));
    return startCommand(colour, apps, port);
  }
  let child: ChildProcess;
  try {
    child = spawnTracked(
      process.execPath,
      [
        FIXTURE,
        '--colour', colour,
        '--listen-fd', '3',
        '--delay-ms', String(apps.delayMs),
        '--body-bytes', String(apps.bodyBytes),
        '--healthy-after-ms', String(apps.healthyAfterMs),
      ],
      { stdio: ['ignore', 'pipe', 'pipe', listeningFd(listener)] },
    );
  } finally {
    // the child has its own copy of the socket once spawned; ours is only in the way
    listener.close();
  }
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
  return { colour, port: listening, pid: child.pid!, healthy: () => waitHealthy(colour, listening, apps, child), ...lifeOf(child, colour, () => stderr) };
}

/** stop() and ended for an app process: ended resolves only if it exits without being stopped. */
function lifeOf(child: ChildProcess, colour: Colour, output: () => string): Pick<RunningApp, 'stop' | 'ended'> {
  let stopping = false;
  const ended = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) resolve(`the ${colour} app exited unexpectedly (${signal ?? `code ${code}`})${output().trim() ? `: ${output().trim()}` : ''}`);
    }),
  );
  return {
    stop: () => {
      stopping = true;
      return stopChild(child, 'SIGTERM');
    },
    ended,
  };
}

/** Your app: `sh -c command` with its port and colour in the environment, in its own process group. */
async function startCommand(colour: Colour, apps: Scenario['apps'], port: number): Promise<RunningApp> {
  const env = { PORT: String(port), COLOUR: colour, DOWNTIME_PORT: String(port), DOWNTIME_COLOUR: colour };
  const child = spawnTracked('sh', ['-c', apps.command!], { env: { ...process.env, ...env } });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d).slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new CannotMeasure(`the ${colour} app (${apps.command}) exited (code ${code}) before listening on ${port}:\n${output.trim() || '(no output)'}`)),
    ),
  );
  exited.catch(() => {});
  try {
    await Promise.race([exited, waitForPort(port, apps.healthTimeoutMs, `the ${colour} app`)]);
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    throw err instanceof CannotMeasure && /did not listen/.test(err.message)
      ? new CannotMeasure(`the ${colour} app (${apps.command}) did not listen on 127.0.0.1:${port} (its PORT) within ${apps.healthTimeoutMs} ms (apps.healthTimeoutMs)`)
      : err;
  }
  return { colour, port, pid: child.pid!, healthy: () => waitHealthy(colour, port, apps, child), ...lifeOf(child, colour, () => output) };
}

async function waitHealthy(colour: Colour, port: number, apps: Scenario['apps'], child: ChildProcess): Promise<void> {
  const timeoutMs = apps.healthTimeoutMs;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new CannotMeasure(`${colour} app exited before it became healthy`);
    const status = await healthStatus(port, '127.0.0.1', healthPath(apps));
    if (status >= 200 && status < 400) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new CannotMeasure(`${colour} app on port ${port} did not become healthy within ${timeoutMs} ms (apps.healthTimeoutMs): ${healthPath(apps)} never answered 2xx or 3xx`);
}

/** The app's /__health status; 0 when it does not answer. */
/** `ca`: ask over TLS, trusting that certificate (a proxy's own, proxy.tls). */
export function healthStatus(port: number, host = '127.0.0.1', path = '/__health', ca?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = (ca ? tlsRequest : request)({ host, port, path, agent: false, timeout: 1000, ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** The fixture's JSON control endpoints on 127.0.0.1:port (/__outage to start an outage, /__outages to read them back). */
export function fixtureJson(port: number, path: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new CannotMeasure(`${method} ${path}: ${res.statusCode} ${body}`)),
      );
    });
    req.setTimeout(5000, () => req.destroy(new CannotMeasure(`${method} ${path}: the app did not answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}
