// The proxies a scenario may put in front of the colours (proxy.kind), and what each can do: one
// table, read by the schema (the kinds it accepts, and which settings go with which proxy) and by
// the stack (stack/local/local-stack.ts starts each kind; the compiler asks for a new one there).
export const PROXIES = {
  nginx: {
    label: 'nginx',
    /** runs in a container with the Docker driver (ours: downtime-nginx images) */
    docker: true,
    /** proxy.tls: listens with TLS on a per-run certificate, HTTP/2 offered */
    tls: true,
    /** proxy.configFile: your own configuration file */
    configFile: true,
    /** switches.closeAroundReload: Connection: close around each reload, without a reload */
    closeAroundReload: true,
  },
  haproxy: { label: 'HAProxy', docker: false, tls: false, configFile: false, closeAroundReload: false },
  caddy: { label: 'Caddy', docker: false, tls: false, configFile: false, closeAroundReload: false },
} as const satisfies Record<string, { label: string; docker: boolean; tls: boolean; configFile: boolean; closeAroundReload: boolean }>;

export type ProxyKind = keyof typeof PROXIES;
export const PROXY_KINDS = Object.keys(PROXIES) as [ProxyKind, ...ProxyKind[]];
export type ProxyAbility = 'docker' | 'tls' | 'configFile' | 'closeAroundReload';

export const can = (kind: ProxyKind, ability: ProxyAbility): boolean => PROXIES[kind][ability];

/** The labels of the proxies that can (or cannot) do something, in words: "nginx", "HAProxy and Caddy". */
export function proxiesThat(ability: ProxyAbility, able = true): string {
  const labels = PROXY_KINDS.filter((k) => can(k, ability) === able).map((k) => PROXIES[k].label);
  return labels.length <= 1 ? (labels[0] ?? 'none') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
