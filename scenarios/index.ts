// Every scenario the CLI knows, by name.
import type { ScenarioInput } from '../harness/scenario/schema.ts';
import caddyKeepalive from './caddy-keepalive.ts';
import closeAroundReload from './close-around-reload.ts';
import connectionClose from './connection-close.ts';
import haproxyIdleClose from './haproxy-idle-close.ts';
import haproxyKeepalive from './haproxy-keepalive.ts';
import idleClients from './idle-clients.ts';
import idleClients10ms from './idle-clients-10ms.ts';
import idleClients10msMin1s from './idle-clients-10ms-min-1s.ts';
import idleClients10msMin50ms from './idle-clients-10ms-min-50ms.ts';
import idleClients1ms from './idle-clients-1ms.ts';
import h2Keepalive from './h2-keepalive.ts';
import keepalive60s from './keepalive-60s.ts';
import keepaliveMinTimeout from './keepalive-min-timeout.ts';
import tlsConnectionClose from './tls-connection-close.ts';
import tlsKeepalive from './tls-keepalive.ts';
import tuned3s1s from './tuned-3s-1s.ts';
import workers1 from './workers-1.ts';
import workers2 from './workers-2.ts';
import workers4 from './workers-4.ts';

export const scenarios: readonly ScenarioInput[] = [
  keepalive60s,
  connectionClose,
  keepaliveMinTimeout,
  tuned3s1s,
  workers1,
  workers2,
  workers4,
  haproxyKeepalive,
  haproxyIdleClose,
  caddyKeepalive,
  closeAroundReload,
  tlsKeepalive,
  tlsConnectionClose,
  h2Keepalive,
  idleClients,
  idleClients1ms,
  idleClients10ms,
  idleClients10msMin50ms,
  idleClients10msMin1s,
];
