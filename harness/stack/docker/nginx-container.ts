// nginx in a container, driven as a deploy job drives it: the include file is rewritten and
// `nginx -t` and `nginx -s reload` run inside the container (`docker exec`). Its worker processes
// are watched through /proc on this machine, where the engine runs them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import type { ProxySettings } from '../../scenario/schema.ts';
import { childPids, isLiveChild } from '../process-table.ts';
import { markOwner, NGINX_PREFIX } from '../sweep.ts';
import { http2Syntax, nginxConf, upstreamInclude, UPSTREAM_FILE, type NginxLayout } from '../proxy/nginx-config.ts';
import type { Proxy } from '../proxy/proxy.ts';
import { makeCertificate } from '../proxy/tls-cert.ts';
import { healthStatus } from '../apps.ts';
import { APP_PORT, containerState, inspectPid } from './app-container.ts';
import { docker, dockerOk } from '../../engine/engine.ts';
import type { RunNetwork } from './network.ts';

/** The harness's own prefix inside the container: it never edits the image's /etc/nginx. */
const PREFIX = '/downtime';
const NGINX_ARGS = ['-p', `${PREFIX}/`, '-c', `${PREFIX}/nginx.conf`];
const START_TIMEOUT_MS = 20_000;

export class NginxContainer implements Proxy {
  readonly kind = 'nginx';
  /** the published port on 127.0.0.1 */
  port = 0;
  /** where the load connects: nginx's own address on the run's network when the host routes there, else the published port */
  traffic = { host: '127.0.0.1', port: 0, direct: false };
  version = '';
  /** proxy.tls: the generated certificate (PEM), which the load trusts */
  ca: string | undefined;
  private masterPid = 0;
  private files: Record<string, string> = {};
  private readonly layout: NginxLayout;
  private stopping = false;
  private endedWith: (why: string) => void = () => {};
  /** Resolves, with what happened, if the nginx container exits without stop() being called. */
  readonly ended = new Promise<string>((resolve) => (this.endedWith = resolve));

  constructor(
    private readonly settings: ProxySettings,
    private readonly name: string,
    private readonly network: RunNetwork,
    private readonly labels: string[],
    closeFlag = false,
  ) {
    this.layout = {
      closeFlag: closeFlag ? `${PREFIX}/closing` : undefined,
      prefix: PREFIX,
      listen: '80',
      // By name, as deploy jobs write them; the names are pinned to the colours' addresses.
      apps: { blue: `blue:${APP_PORT}`, green: `green:${APP_PORT}` },
      runAsRoot: true,
      // The seed's literal form resolves $service_url per request: Docker's embedded DNS.
      resolver: settings.upstreamKeepalive > 0 ? undefined : '127.0.0.11',
    };
  }

  async start(colour: Colour): Promise<void> {
    // Named and marked as a local prefix is, so a harness killed right here leaves it to the sweep.
    const staging = await mkdtemp(join(tmpdir(), NGINX_PREFIX));
    await markOwner(staging);
    try {
      if (this.settings.tls) {
        // made here, copied in with the configuration; how to turn HTTP/2 on depends on the image's nginx
        this.ca = (await makeCertificate(staging, [this.network.proxyIp])).pem;
        const http2 = http2Syntax(await this.imageNginxVersion());
        this.layout.tls = { cert: `${PREFIX}/cert.pem`, key: `${PREFIX}/key.pem`, http2 };
      }
      // A configFile of yours resolves its relative includes against the image's /etc/nginx.
      const { conf, extra } = nginxConf(this.settings, { ...this.layout, confDir: '/etc/nginx', includesReadable: false });
      this.files = { 'nginx.conf': conf, 'service-url.inc': upstreamInclude(this.settings, colour, this.layout), ...extra };
      for (const dir of ['logs', 'conf.d', 'temp']) await mkdir(join(staging, dir), { recursive: true });
      await writeFile(join(staging, 'nginx.conf'), this.files['nginx.conf']);
      await writeFile(join(staging, UPSTREAM_FILE), this.files['service-url.inc']);
      const publish = `127.0.0.1:${this.settings.port || ''}:80`;
      await dockerOk(
        [
          'create', '--name', this.name, ...this.labels,
          '--network', this.network.name, '--ip', this.network.proxyIp,
          '--add-host', `blue:${this.network.ips.blue}`, '--add-host', `green:${this.network.ips.green}`,
          '-p', publish,
          this.settings.image,
          'nginx', ...NGINX_ARGS,
        ],
        `creating the nginx container (${this.settings.image})`,
      );
      await dockerOk(['cp', `${staging}/.`, `${this.name}:${PREFIX}`], 'copying the nginx configuration into its container');
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    const started = await docker(['start', this.name]);
    if (started.code !== 0) {
      const words = started.stderr.trim();
      const taken = /address already in use|port is already allocated/.test(words);
      throw new CannotMeasure(
        taken ? `proxy.port: 127.0.0.1:${this.settings.port} is taken (${words.split('\n').pop()})` : `starting the nginx container failed: ${words}`,
      );
    }
    // A configuration nginx rejects ends the container at once, before Docker lists its port.
    const published = await docker(['port', this.name, '80/tcp']);
    this.port = Number(/127\.0\.0\.1:(\d+)/.exec(published.stdout)?.[1] ?? 0);
    await this.waitServing();
    // Straight to nginx's address on the engine's bridge, where the host routes to it (Linux):
    // the published port goes through Docker's userland proxy, which cut nginx 1.30's throughput
    // to 5,821 ok/s against 19,966 for the same load on a local nginx (the study, 2026-11-26).
    const direct = (await healthStatus(80, this.network.proxyIp, '/__health', this.ca)) === 200;
    this.traffic = direct ? { host: this.network.proxyIp, port: 80, direct } : { host: '127.0.0.1', port: this.port, direct };
    this.masterPid = await inspectPid(this.name);
    // `docker wait` returns when the container exits: unexpected unless stop() asked for it.
    void docker(['wait', this.name], { timeoutMs: 24 * 3_600_000 }).then(async (r) => {
      if (this.stopping) return;
      const state = await containerState(this.name);
      this.endedWith(`the nginx container exited unexpectedly (code ${r.stdout.trim() || state.exitCode})${state.logs ? `: ${state.logs.split('\n').pop()}` : ''}`);
    });
    this.version = (await this.exec(['nginx', '-v'], 'nginx -v')).replace(/^nginx version:\s*/, '').trim();
  }

  /**
   * Serving means a request through the published port comes back from the app: Docker's
   * proxy accepts connections on that port before nginx listens behind it.
   */
  private async waitServing(): Promise<void> {
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (performance.now() < deadline) {
      if (this.port && (await healthStatus(this.port, '127.0.0.1', '/__health', this.ca)) === 200) return;
      const state = await containerState(this.name);
      if (!state.running) {
        throw new CannotMeasure(`nginx rejected the configuration (${this.settings.image}, container exited with code ${state.exitCode}):\n${state.logs || '(no output)'}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new CannotMeasure(`nginx in its container did not serve through 127.0.0.1:${this.port} within ${START_TIMEOUT_MS} ms`);
  }

  /** `nginx -v` of the image, before its container exists (a throwaway container). */
  private async imageNginxVersion(): Promise<string> {
    const r = await docker(['run', '--rm', ...this.labels, '--network', 'none', '--entrypoint', 'nginx', this.settings.image, '-v'], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new CannotMeasure(`nginx -v failed in ${this.settings.image}:\n${`${r.stdout}${r.stderr}`.trim()}`);
    return `${r.stdout}${r.stderr}`.trim();
  }

  /** `docker exec` in the nginx container; returns stdout + stderr, or throws with both. */
  private async exec(cmd: string[], what: string, input?: string): Promise<string> {
    const r = await docker(['exec', ...(input === undefined ? [] : ['-i']), this.name, ...cmd], { input, timeoutMs: 15_000 });
    const out = `${r.stdout}${r.stderr}`.trim();
    if (r.code !== 0) throw new CannotMeasure(`${what} failed in the nginx container:\n${out || `exit ${r.code}`}`);
    return out;
  }

  async setClosing(on: boolean): Promise<void> {
    const flag = this.layout.closeFlag;
    if (!flag) throw new CannotMeasure('nginx was not configured to close connections on demand');
    await this.exec(on ? ['touch', flag] : ['rm', '-f', flag], on ? 'creating the close flag' : 'removing the close flag');
  }

  async writeUpstream(colour: Colour): Promise<void> {
    const text = upstreamInclude(this.settings, colour, this.layout);
    const path = `${PREFIX}/${UPSTREAM_FILE}`;
    // Write then rename, so a reload never reads half a file.
    await this.exec(['sh', '-c', `cat > ${path}.tmp && mv -f ${path}.tmp ${path}`], `writing ${UPSTREAM_FILE}`, text);
    this.files['service-url.inc'] = text;
  }

  async test(): Promise<void> {
    const r = await docker(['exec', this.name, 'nginx', '-t', '-q', ...NGINX_ARGS], { timeoutMs: 15_000 });
    if (r.code !== 0) throw new CannotMeasure(`nginx rejected the configuration:\n${`${r.stdout}${r.stderr}`.trim()}`);
  }

  async reload(): Promise<void> {
    await this.exec(['nginx', '-s', 'reload', ...NGINX_ARGS], 'nginx -s reload');
  }

  async workers(): Promise<number[]> {
    return this.masterPid ? childPids(this.masterPid) : [];
  }

  async isWorker(pid: number): Promise<boolean> {
    return this.masterPid !== 0 && isLiveChild(pid, this.masterPid);
  }

  commandEnv(to: Colour): Record<string, string> {
    return {
      DOWNTIME_UPSTREAM_LINE: upstreamInclude(this.settings, to, this.layout).trim(),
      DOWNTIME_NGINX_CONTAINER: this.name,
      DOWNTIME_UPSTREAM_FILE: `${PREFIX}/${UPSTREAM_FILE}`,
      DOWNTIME_NGINX: 'nginx',
      DOWNTIME_NGINX_ARGS: NGINX_ARGS.join(' '),
      DOWNTIME_NGINX_CONF: `${PREFIX}/nginx.conf`,
      DOWNTIME_RELOAD: `docker exec ${this.name} nginx -s reload ${NGINX_ARGS.join(' ')}`,
    };
  }

  async configFiles(): Promise<Record<string, string>> {
    return { ...this.files };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await docker(['stop', '-t', '5', this.name], { timeoutMs: 30_000 });
  }
}
