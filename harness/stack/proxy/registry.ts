// The proxies the local driver runs, by proxy.kind: one constructor each, for every kind
// scenario/proxies.ts declares (the compiler names a kind that has none here).
import type { ProxyKind } from '../../scenario/proxies.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { Caddy } from './caddy.ts';
import { HAProxy } from './haproxy.ts';
import { Nginx } from './nginx.ts';
import type { Placement, Proxy } from './proxy.ts';

export const LOCAL_PROXIES: Record<ProxyKind, (place: Placement, scenario: Scenario) => Promise<Proxy>> = {
  nginx: (place, s) => Nginx.create(place, { closeFlag: s.switches.closeAroundReload !== undefined }),
  haproxy: (place) => HAProxy.create(place),
  caddy: (place) => Caddy.create(place),
};
