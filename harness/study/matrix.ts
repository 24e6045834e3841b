// What `npm run study` measures: every fix (a proxy and its settings) under every traffic shape
// and client behaviour, each against the plain keep-alive baseline of the same stack, so that
// what a fix costs is read against like. Data only: the runner and the analysis are elsewhere.
import { CLIENT_LABELS, CLIENT_PROFILES } from '../load/client-profiles.ts';

export interface Fix {
  id: string;
  /** the scenario it runs (scenarios/), with its overrides */
  scenario: string;
  set?: string[];
  /** in words, for the page */
  label: string;
  /** the fix's baseline: plain keep-alive on the same proxy, version and path (its own id if it is one) */
  baseline: string;
  /** what must be there for it to run */
  needs?: 'docker';
  /** judged under these traffic shapes only, and why (the study page says so) */
  shapes?: { only: string[]; why: string };
}

export interface Dimension {
  id: string;
  label: string;
  /** scenario overrides, field=value */
  set: string[];
}

/** Where a 2-core machine cannot keep to the idle shape's schedule: that cell would measure the machine, not the fix. */
const SATURATING_ONLY = (what: string) => ({
  only: ['saturating'],
  why: `${what} at 2,000 req/s over a 10 ms round trip needs more CPU than the load, the delay line and the stack have on a 2-core machine (the load fell behind by most of its schedule)`,
});

export const FIXES: Fix[] = [
  { id: 'nginx', scenario: 'keepalive-60s', label: 'nginx, plain keep-alive (the seed\'s starting point)', baseline: 'nginx' },
  { id: 'nginx-connection-close', scenario: 'connection-close', label: 'nginx, Connection: close on every response (the seed\'s fix)', baseline: 'nginx' },
  { id: 'nginx-tuned', scenario: 'tuned-3s-1s', label: 'nginx, keepalive_timeout 3s + worker_shutdown_timeout 1s (the seed\'s tuning)', baseline: 'nginx' },
  { id: 'nginx-close-around-reload', scenario: 'close-around-reload', label: 'nginx, Connection: close only around each reload (flag file, any version)', baseline: 'nginx' },
  {
    id: 'nginx-1.30',
    scenario: 'keepalive-60s',
    set: ['driver=docker', 'proxy.image=downtime-nginx:sid', 'load.durationMs=35s'],
    label: 'nginx 1.30 in Docker, plain keep-alive',
    baseline: 'nginx-1.30',
    needs: 'docker',
  },
  { id: 'nginx-1.30-min-timeout', scenario: 'keepalive-min-timeout', label: 'nginx 1.30 in Docker, keepalive_min_timeout 1s', baseline: 'nginx-1.30', needs: 'docker' },
  { id: 'nginx-tls', scenario: 'tls-keepalive', label: 'nginx, HTTP/1.1 keep-alive over TLS', baseline: 'nginx-tls' },
  {
    id: 'nginx-tls-connection-close',
    scenario: 'tls-connection-close',
    label: 'nginx over TLS, Connection: close on every response (a TLS handshake per request)',
    baseline: 'nginx-tls',
    shapes: SATURATING_ONLY('a TLS handshake per request'),
  },
  {
    id: 'nginx-h2',
    scenario: 'h2-keepalive',
    label: 'nginx, HTTP/2 over TLS (GOAWAY at a reload)',
    baseline: 'nginx-tls',
    shapes: {
      only: ['saturating'],
      why:
        'at the idle shape, nginx before 1.27.1 keeps an HTTP/2 connection whose TLS handshake was under way at a reload on the old worker, ' +
        'with the old configuration, until keepalive_timeout (fixed in 1.27.1: "HTTP/2: close connections initialized during graceful shutdown"); ' +
        'in 3 of our 6 runs such a connection (from the previous reload\'s reconnect storm) kept sending requests to the old colour, ' +
        'HTTP 502 once it was stopped, for up to a minute, so the switch could not complete within the run',
    },
  },
  {
    id: 'nginx-1.30-h2',
    scenario: 'h2-keepalive',
    set: ['driver=docker', 'proxy.image=downtime-nginx:sid', 'load.durationMs=35s'],
    label: 'nginx 1.30 in Docker, HTTP/2 over TLS',
    baseline: 'nginx-1.30-h2',
    needs: 'docker',
    shapes: SATURATING_ONLY("HTTP/2 through Docker's userland proxy"),
  },
  {
    id: 'nginx-1.30-h2-min-timeout',
    scenario: 'keepalive-min-timeout',
    set: ['proxy.tls=true', 'load.http2=true'],
    label: 'nginx 1.30 in Docker, HTTP/2 over TLS, keepalive_min_timeout 1s',
    baseline: 'nginx-1.30-h2',
    needs: 'docker',
    shapes: SATURATING_ONLY("HTTP/2 through Docker's userland proxy"),
  },
  { id: 'haproxy', scenario: 'haproxy-keepalive', label: 'HAProxy, plain keep-alive', baseline: 'haproxy' },
  { id: 'haproxy-idle-close', scenario: 'haproxy-idle-close', label: 'HAProxy, option idle-close-on-response', baseline: 'haproxy' },
  { id: 'caddy', scenario: 'caddy-keepalive', label: 'Caddy, plain keep-alive', baseline: 'caddy' },
];

/** How the clients load the service. */
export const SHAPES: Dimension[] = [
  { id: 'saturating', label: 'saturating closed loop on loopback (32 connections, never idle)', set: [] },
  {
    // idle-clients-10ms: idle connections are the ones a reload closes outright, and the round
    // trip decides whether a request is already on its way when it does
    id: 'idle-10ms',
    label: 'open model, 2,000 req/s over 200 connections idle ~100 ms each, 10 ms added each way',
    set: ['load.model=open', 'load.rate=2000', 'load.connections=200', 'network.delayMs=10'],
  },
];

/** What the clients do when a request fails (harness/load/client-profiles.ts). */
export const CLIENTS: Dimension[] = CLIENT_PROFILES.map((id) => ({ id, label: CLIENT_LABELS[id], set: id === 'raw' ? [] : [`load.client=${id}`] }));

/**
 * --quick runs the other client profiles only on these fixes: one that loses requests under a
 * raw client is enough to show what a retry hides and what POST traffic loses.
 */
export const QUICK_CLIENT_FIXES = ['nginx'];

export interface Cell {
  fix: Fix;
  shape: Dimension;
  client: Dimension;
}

export interface MatrixChoice {
  fixes?: string[];
  shapes?: string[];
  clients?: string[];
  /** profiles other than raw only on QUICK_CLIENT_FIXES */
  quick?: boolean;
}

/** The cells chosen, every fix's baseline included; throws on an unknown id, naming the known ones. */
export function cellsOf(choice: MatrixChoice = {}): Cell[] {
  const pick = <T extends { id: string }>(all: T[], ids: string[] | undefined, what: string): T[] => {
    if (!ids) return all;
    const unknown = ids.filter((id) => !all.some((x) => x.id === id));
    if (unknown.length) throw new Error(`unknown ${what} ${unknown.join(', ')}; known: ${all.map((x) => x.id).join(', ')}`);
    return all.filter((x) => ids.includes(x.id));
  };
  const chosen = pick(FIXES, choice.fixes, 'fix');
  const withBaselines = FIXES.filter((f) => chosen.includes(f) || chosen.some((c) => c.baseline === f.id));
  const shapes = pick(SHAPES, choice.shapes, 'shape');
  const clients = pick(CLIENTS, choice.clients, 'client');
  const runs = (fix: Fix, shape: Dimension, client: Dimension) =>
    (!fix.shapes || fix.shapes.only.includes(shape.id)) && (!choice.quick || client.id === 'raw' || QUICK_CLIENT_FIXES.includes(fix.id));
  return shapes.flatMap((shape) => clients.flatMap((client) => withBaselines.filter((fix) => runs(fix, shape, client)).map((fix) => ({ fix, shape, client }))));
}

export const cellId = (c: Cell) => `${c.fix.id}/${c.shape.id}/${c.client.id}`;
