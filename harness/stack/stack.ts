// A stack: one proxy in front of the live colour of a blue/green pair. The local driver runs
// real processes on 127.0.0.1; a Docker driver would implement the same shape.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Colour } from '../records/records.ts';
import type { Scenario } from '../scenario/schema.ts';
import { startApp, type RunningApp } from './apps.ts';
import { claimPort } from './ports.ts';
import { Nginx } from './proxy/nginx.ts';
import type { Proxy } from './proxy/proxy.ts';
import { markOwner, NGINX_PREFIX } from './sweep.ts';

export interface Stack {
  proxy: Proxy;
  /** the colour the proxy points at */
  live: RunningApp;
  /** Start the other colour's app (not yet routed to). */
  startApp(colour: Colour): Promise<RunningApp>;
  /** Stop everything; safe to call more than once. */
  stop(): Promise<void>;
  /** Resolves, with what happened, if the proxy or an app not told to stop exits mid-run. */
  failure: Promise<string>;
}

export const otherColour = (c: Colour): Colour => (c === 'blue' ? 'green' : 'blue');

export async function startLocalStack(scenario: Scenario): Promise<Stack> {
  const prefix = await mkdtemp(join(tmpdir(), NGINX_PREFIX));
  await markOwner(prefix);
  const apps = new Set<RunningApp>();
  let proxy: Nginx | null = null;
  let failed: (why: string) => void = () => {};
  const failure = new Promise<string>((resolve) => (failed = resolve));
  // Each colour keeps its port for the whole run, as a deployment's blue and green do.
  const appPorts: Record<Colour, number> = { blue: 0, green: 0 };
  const launch = async (colour: Colour) => {
    const app = await startApp(colour, scenario.apps, appPorts[colour]);
    apps.add(app);
    void app.ended.then(failed);
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
    void proxy.ended.then(failed);
    const live = await launch('blue');
    await live.healthy();
    await proxy.start('blue');
    return {
      proxy,
      live,
      startApp: launch,
      stop,
      failure,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
