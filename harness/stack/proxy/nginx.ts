// A real nginx, with its own prefix in a temp directory, listening on 127.0.0.1 only.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import type { ProxySettings } from '../../scenario/schema.ts';
import { isRunning, runCommand, spawnTracked, stopChild } from '../processes.ts';
import { childPids, isLiveChild } from '../proc.ts';
import { UPSTREAM_FILE } from './nginx-config.ts';
import { nginxConf, upstreamInclude } from './nginx-files.ts';
import type { Proxy } from './proxy.ts';

export const NGINX_INSTALL_HINT =
  'Install it with `npm run setup`, or by hand: `sudo apt-get install nginx` (Debian/Ubuntu), ' +
  '`brew install nginx` (macOS); or point NGINX_BIN at an nginx binary.';

/** NGINX_BIN, else nginx on PATH, else Debian's /usr/sbin (not on a normal user's PATH). */
export function findNginx(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NGINX_BIN) {
    if (!existsSync(env.NGINX_BIN)) throw new CannotMeasure(`NGINX_BIN=${env.NGINX_BIN} does not exist. ${NGINX_INSTALL_HINT}`);
    return env.NGINX_BIN;
  }
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/opt/homebrew/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'nginx');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new CannotMeasure(`nginx was not found on PATH. ${NGINX_INSTALL_HINT}`);
}

export async function nginxVersion(bin: string): Promise<string> {
  const { stderr, stdout } = await runCommand(bin, ['-v']);
  return (stderr || stdout).replace(/^nginx version:\s*/, '').trim();
}

export class Nginx implements Proxy {
  readonly kind = 'nginx';
  private master: ChildProcess | null = null;
  private stderr = '';
  private readonly confPath: string;
  private readonly apps: Record<Colour, string>;
  /** with your own configFile: it as you wrote it, and the lines the harness changed */
  private extraFiles: Record<string, string> = {};

  private constructor(
    private readonly bin: string,
    readonly version: string,
    private readonly settings: ProxySettings,
    private readonly prefix: string,
    readonly port: number,
    appPorts: Record<Colour, number>,
  ) {
    this.confPath = join(prefix, 'nginx.conf');
    this.apps = { blue: `127.0.0.1:${appPorts.blue}`, green: `127.0.0.1:${appPorts.green}` };
  }

  /** `closeFlag`: render the flag file that makes every response say Connection: close (setClosing). */
  static async create(
    settings: ProxySettings,
    prefix: string,
    port: number,
    appPorts: Record<Colour, number>,
    options: { closeFlag?: boolean } = {},
  ): Promise<Nginx> {
    const bin = findNginx();
    const nginx = new Nginx(bin, await nginxVersion(bin), settings, prefix, port, appPorts);
    if (options.closeFlag) nginx.closeFlag = join(prefix, 'closing');
    return nginx;
  }

  private closeFlag: string | undefined;

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
    const { conf, extra } = nginxConf(this.settings, {
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
    const master = spawnTracked(this.bin, this.args());
    this.master = master;
    master.stderr!.on('data', (d) => (this.stderr += d));
    const exited = new Promise<never>((_, reject) =>
      master.once('exit', (code) =>
        reject(new CannotMeasure(`nginx exited (code ${code}) while starting:\n${this.stderr.trim() || '(no output)'}`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([exited, waitForPort(this.port, 10_000)]);
  }

  async writeUpstream(colour: Colour): Promise<void> {
    // Write then rename, so a reload never reads half a file.
    const path = join(this.prefix, UPSTREAM_FILE);
    await writeFile(`${path}.tmp`, upstreamInclude(this.settings, colour, { apps: this.apps }));
    await rename(`${path}.tmp`, path);
  }

  async test(): Promise<void> {
    const { code, stderr } = await runCommand(this.bin, this.args('-t', '-q'));
    if (code !== 0) throw new CannotMeasure(`nginx rejected the configuration:\n${stderr.trim()}`);
  }

  async reload(): Promise<void> {
    const { code, stderr } = await runCommand(this.bin, this.args('-s', 'reload'));
    if (code !== 0) throw new CannotMeasure(`nginx -s reload failed:\n${stderr.trim()}`);
  }

  async workers(): Promise<number[]> {
    const pid = this.master?.pid;
    return pid && this.master && isRunning(this.master) ? childPids(pid) : [];
  }

  async isWorker(pid: number): Promise<boolean> {
    return this.master?.pid !== undefined && isLiveChild(pid, this.master.pid);
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

  async stop(): Promise<void> {
    if (this.master) await stopChild(this.master, 'SIGTERM');
    this.master = null;
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new CannotMeasure(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
