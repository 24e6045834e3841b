// What the rest of the harness needs from a reverse proxy: nginx, HAProxy and Caddy each
// implement it (nginx.ts, haproxy.ts, caddy.ts), and the local driver starts the one
// proxy.kind names (local/local-stack.ts); what each kind can do is declared in scenario/proxies.ts.
import type { Colour } from '../../records/records.ts';
import type { ProxySettings } from '../../scenario/schema.ts';
import { LeashedProxy } from '../leashed.ts';

export interface Proxy {
  readonly kind: string;
  /** the port clients connect to, on 127.0.0.1 */
  readonly port: number;
  /** where the load connects instead, when known once started (a container's own address on its network) */
  readonly traffic?: { host: string; port: number };
  /** e.g. "nginx/1.22.1" */
  readonly version: string;
  /** when it serves TLS with a certificate of its own making: that certificate, which clients trust */
  readonly ca?: string;
  /** Start in front of `colour`'s app; resolves once the proxy accepts connections. */
  start(colour: Colour): Promise<void>;
  /** Point the configuration at the other colour, as a deploy job rewrites its include file. */
  writeUpstream(colour: Colour): Promise<void>;
  /**
   * Check the configuration (nginx -t); rejects with the proxy's own words. May resolve with the
   * moment (shared monotonic clock, ns) the check finished, when it knows it better than its caller.
   */
  test(): Promise<bigint | void>;
  /** Signal a graceful reload; resolves once sent, with the moment it went out when known. */
  reload(): Promise<bigint | void>;
  /**
   * Make every response say `Connection: close` (on) or not (off), without a reload: the seed
   * author's "close only around the reload". Only proxies that can (nginx, by a flag file).
   */
  setClosing?(on: boolean): Promise<void>;
  /** pids of the current worker processes (old generations included, until they exit) */
  workers(): Promise<number[]>;
  /** whether `pid` is still a live worker of this proxy */
  isWorker(pid: number): Promise<boolean>;
  /**
   * What your switch command needs to do the proxy's part of a switch itself: the include file,
   * how to run nginx, and where (DOWNTIME_* environment variables).
   */
  commandEnv(to: Colour): Record<string, string>;
  /** The configuration files in force, by name, to store beside the report. */
  configFiles(): Promise<Record<string, string>>;
  stop(): Promise<void>;
  /** Resolves, with what happened, if the proxy exits without stop() being called. */
  readonly ended: Promise<string>;
}

/** Where the local driver puts a proxy: its settings, a directory of its own, its port, the colours' ports. */
export interface Placement {
  settings: ProxySettings;
  prefix: string;
  port: number;
  appPorts: Record<Colour, number>;
}

/** What every proxy the local driver runs holds: its binary and version, and its placement. */
export abstract class LocalProxy extends LeashedProxy {
  readonly port: number;
  protected readonly settings: ProxySettings;
  protected readonly prefix: string;
  protected readonly appPorts: Record<Colour, number>;

  protected constructor(
    protected readonly bin: string,
    readonly version: string,
    place: Placement,
  ) {
    super();
    ({ settings: this.settings, prefix: this.prefix, port: this.port, appPorts: this.appPorts } = place);
  }
}
