// The local driver: a real proxy and the blue and green apps as processes on 127.0.0.1, each
// proxy in a temp directory of its own (its prefix), on the harness's leash.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Colour } from '../../records/records.ts';
import type { ProxyKind } from '../../scenario/proxies.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { startApp, type RunningApp } from '../apps.ts';
import { claimPort, holdPort } from '../ports.ts';
import { Caddy } from '../proxy/caddy.ts';
import { HAProxy } from '../proxy/haproxy.ts';
import { Nginx } from '../proxy/nginx.ts';
import type { Placement, Proxy } from '../proxy/proxy.ts';
import { configNote, startInFront, type Stack } from '../stack.ts';
import { markOwner, NGINX_PREFIX } from '../sweep.ts';

/** The proxy each proxy.kind starts: one for every kind scenario/proxies.ts declares (the compiler names a kind that has none). */
const LOCAL_PROXIES: Record<ProxyKind, (place: Placement, scenario: Scenario) => Promise<Proxy>> = {
  nginx: (place, s) => Nginx.create(place, { closeFlag: s.switches.closeAroundReload !== undefined }),
  haproxy: (place) => HAProxy.create(place),
  caddy: (place) => Caddy.create(place),
};

export async function startLocalStack(scenario: Scenario): Promise<Stack> {
  const prefix = await mkdtemp(join(tmpdir(), NGINX_PREFIX));
  await markOwner(prefix);
  const apps = new Set<RunningApp>();
  let proxy: Proxy | null = null;
  let failed: (why: string) => void = () => {};
  const failure = new Promise<string>((resolve) => (failed = resolve));
  // Each colour keeps its port for the whole run, as a deployment's blue and green do. A port is
  // held from its pick to its app's first start; bound again by port at each later start.
  const appPorts: Record<Colour, number> = { blue: 0, green: 0 };
  const held = new Map<Colour, Server>();
  const portField = { blue: 'bluePort', green: 'greenPort' } as const;
  const launch = async (colour: Colour) => {
    const listener = held.get(colour) ?? (await holdPort(appPorts[colour], `apps.${portField[colour]}`));
    held.delete(colour);
    const app = await startApp(colour, scenario.apps, listener);
    apps.add(app);
    void app.ended.then(failed);
    return app;
  };
  const stop = async () => {
    for (const listener of held.values()) listener.close();
    held.clear();
    await proxy?.stop();
    await Promise.all([...apps].map((a) => a.stop()));
    apps.clear();
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    const port = await claimPort(scenario.proxy.port, 'proxy.port');
    for (const colour of ['blue', 'green'] as const) {
      const listener = await holdPort(scenario.apps[portField[colour]], `apps.${portField[colour]}`);
      held.set(colour, listener);
      appPorts[colour] = (listener.address() as { port: number }).port;
    }
    proxy = await LOCAL_PROXIES[scenario.proxy.kind]({ settings: scenario.proxy, prefix, port, appPorts }, scenario);
    return {
      ...(await startInFront(scenario, proxy, launch, failed)),
      startApp: launch,
      stop,
      info: { driver: 'local', path: `127.0.0.1:${port} → ${proxy.kind} (a local process)`, config: configNote(scenario) },
      failure,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
