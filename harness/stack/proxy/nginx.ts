// A real nginx, with its own prefix in a temp directory, listening on 127.0.0.1 only.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nowNs } from '../../clock.ts';
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import { findBinary } from '../binaries.ts';
import { runCommand } from '../processes.ts';
import { accepts } from '../ports.ts';
import { childPids, isLiveChild, listensOn } from '../process-table.ts';
import { http2Syntax, nginxConf, upstreamInclude, UPSTREAM_FILE } from './nginx-config.ts';
import { LocalProxy, type Placement, type Proxy } from './proxy.ts';
import { makeCertificate } from './tls-cert.ts';

export const NGINX_INSTALL_HINT =
  'Install it with `npm run setup`, or by hand: `sudo apt-get install nginx` (Debian/Ubuntu), ' +
  '`brew install nginx` (macOS); or point NGINX_BIN at an nginx binary.';

/** NGINX_BIN, else nginx on PATH, else Debian's /usr/sbin (not on a normal user's PATH). */
export const findNginx = (env: NodeJS.ProcessEnv = process.env): string => findBinary('nginx', 'NGINX_BIN', NGINX_INSTALL_HINT, env);

export async function nginxVersion(bin: string): Promise<string> {
  const { stderr, stdout } = await runCommand(bin, ['-v']);
  return (stderr || stdout).replace(/^nginx version:\s*/, '').trim();
}

export class Nginx extends LocalProxy implements Proxy {
  readonly kind = 'nginx';
  private masterPid: number | null = null;
  private readonly confPath = join(this.prefix, 'nginx.conf');
  private readonly apps: Record<Colour, string> = { blue: `127.0.0.1:${this.appPorts.blue}`, green: `127.0.0.1:${this.appPorts.green}` };
  /** with your own configFile: it as you wrote it, and the lines the harness changed */
  private extraFiles: Record<string, string> = {};

  /** `closeFlag`: render the flag file that makes every response say Connection: close (setClosing). */
  static async create(place: Placement, options: { closeFlag?: boolean } = {}): Promise<Nginx> {
    const bin = findNginx();
    const nginx = new Nginx(bin, await nginxVersion(bin), place);
    if (options.closeFlag) nginx.closeFlag = join(place.prefix, 'closing');
    return nginx;
  }

  private closeFlag: string | undefined;
  /** proxy.tls: the generated certificate (PEM), which the load trusts */
  ca: string | undefined;

  async setClosing(on: boolean): Promise<void> {
    if (!this.closeFlag) throw new CannotMeasure('nginx was not configured to close connections on demand');
    if (on) await writeFile(this.closeFlag, '');
    else await rm(this.closeFlag, { force: true });
  }

  private args(...extra: string[]): string[] {
    return ['-p', `${this.prefix}/`, '-c', this.confPath, ...extra];
  }

  async start(colour: Colour): Promise<void> {
    for (const dir of ['logs', 'conf.d', 'temp']) await mkdir(join(this.prefix, dir), { recursive: true });
    const tls = this.settings.tls ? await makeCertificate(this.prefix) : null;
    this.ca = tls?.pem;
    const { conf, extra } = nginxConf(this.settings, {
      tls: tls ? { cert: tls.cert, key: tls.key, http2: http2Syntax(this.version) } : undefined,
      prefix: this.prefix,
      listen: `127.0.0.1:${this.port}`,
      apps: this.apps,
      runAsRoot: process.getuid?.() === 0,
      includesReadable: true,
      closeFlag: this.closeFlag,
    });
    this.extraFiles = extra;
    await writeFile(this.confPath, conf);
    await this.writeUpstream(colour);
    await this.test();
    // In the foreground, on a leash: nginx cannot outlive the harness, even after a SIGKILL.
    const leashed = this.leash('nginx', this.bin, this.args(), { remove: this.prefix });
    await Promise.race([
      leashed.exited,
      leashed.pid.then((pid) => {
        this.masterPid = pid;
        return waitForListener(this.port, pid, 10_000);
      }),
    ]);
  }

  async writeUpstream(colour: Colour): Promise<void> {
    // Write then rename, so a reload never reads half a file.
    const path = join(this.prefix, UPSTREAM_FILE);
    await writeFile(`${path}.tmp`, upstreamInclude(this.settings, colour, { apps: this.apps }));
    await rename(`${path}.tmp`, path);
  }

  async test(): Promise<bigint> {
    const { code, stderr, exitedNs } = await runCommand(this.bin, this.args('-t', '-q'));
    if (code !== 0) throw new CannotMeasure(`nginx rejected the configuration:\n${stderr.trim()}`);
    return exitedNs;
  }

  /**
   * What `nginx -s reload` does (read the pid, send SIGHUP to the master), done here so that the
   * event is stamped when the signal went out, not when a helper process had exited.
   */
  async reload(): Promise<bigint> {
    if (this.masterPid === null || !this.leashed?.running()) throw new CannotMeasure('nginx reload failed: nginx is not running');
    const at = nowNs();
    process.kill(this.masterPid, 'SIGHUP');
    return at;
  }

  async workers(): Promise<number[]> {
    return this.masterPid && this.leashed?.running() ? childPids(this.masterPid) : [];
  }

  async isWorker(pid: number): Promise<boolean> {
    return this.masterPid !== null && isLiveChild(pid, this.masterPid);
  }

  commandEnv(to: Colour): Record<string, string> {
    return {
      DOWNTIME_UPSTREAM_LINE: upstreamInclude(this.settings, to, { apps: this.apps }).trim(),
      DOWNTIME_UPSTREAM_FILE: join(this.prefix, UPSTREAM_FILE),
      DOWNTIME_NGINX: this.bin,
      DOWNTIME_NGINX_ARGS: this.args().join(' '),
      DOWNTIME_NGINX_CONF: this.confPath,
      DOWNTIME_RELOAD: `${this.bin} ${this.args('-s', 'reload').join(' ')}`,
    };
  }

  async configFiles(): Promise<Record<string, string>> {
    return {
      'nginx.conf': await readFile(this.confPath, 'utf8'),
      'service-url.inc': await readFile(join(this.prefix, UPSTREAM_FILE), 'utf8'),
      ...this.extraFiles,
    };
  }
}

/**
 * Resolves once `pid` itself listens on 127.0.0.1:port and accepts connections. Another process
 * that took the port between its check and nginx's start could answer a bare connect; nginx
 * meanwhile retries its bind for a few seconds, then exits with its own message.
 */
export async function waitForListener(port: number, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await listensOn(pid, port)) && (await accepts(port))) return;
    if (Date.now() > deadline) throw new CannotMeasure(`nginx did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
