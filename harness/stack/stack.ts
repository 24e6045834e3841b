// A stack: one proxy in front of the live colour of a blue/green pair. The local driver (here)
// runs real processes on 127.0.0.1; the Docker driver (docker/docker-stack.ts) runs containers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Colour } from '../records/records.ts';
import type { Scenario } from '../scenario/schema.ts';
import { startApp, type RunningApp } from './apps.ts';
import { claimPort } from './ports.ts';
import { Nginx } from './proxy/nginx.ts';
import type { Proxy } from './proxy/proxy.ts';

export interface Stack {
  proxy: Proxy;
  /** the colour the proxy points at */
  live: RunningApp;
  /** Start the other colour's app (not yet routed to). */
  startApp(colour: Colour): Promise<RunningApp>;
  /** Stop everything; safe to call more than once. */
  stop(): Promise<void>;
  info: StackInfo;
}

/** What ran, for the report: the driver, the way the traffic took, and the images if any. */
export interface StackInfo {
  driver: 'local' | 'docker';
  /** e.g. "127.0.0.1:8080 → docker-proxy → nginx container :80" */
  path: string;
  images?: { proxy: string; apps: string };
  engine?: string;
}

export const otherColour = (c: Colour): Colour => (c === 'blue' ? 'green' : 'blue');

export async function startLocalStack(scenario: Scenario): Promise<Stack> {
  const prefix = await mkdtemp(join(tmpdir(), 'downtime-nginx-'));
  const apps = new Set<RunningApp>();
  let proxy: Proxy | null = null;
  // Each colour keeps its port for the whole run, as a deployment's blue and green do.
  const appPorts: Record<Colour, number> = { blue: 0, green: 0 };
  const launch = async (colour: Colour) => {
    const app = await startApp(colour, scenario.apps, appPorts[colour]);
    apps.add(app);
    return app;
  };
  const stop = async () => {
    await proxy?.stop();
    await Promise.all([...apps].map((a) => a.stop()));
    apps.clear();
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    const port = await claimPort(scenario.proxy.port, 'proxy.port');
    appPorts.blue = await claimPort(scenario.apps.bluePort, 'apps.bluePort');
    appPorts.green = await claimPort(scenario.apps.greenPort, 'apps.greenPort');
    proxy = await Nginx.create(scenario.proxy, prefix, port, appPorts);
    const live = await launch('blue');
    await live.healthy();
    await proxy.start('blue');
    return {
      proxy,
      live,
      startApp: launch,
      stop,
      info: { driver: 'local', path: `127.0.0.1:${port} → nginx (a local process)` },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
