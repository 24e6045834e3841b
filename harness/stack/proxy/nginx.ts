// A real nginx, with its own prefix in a temp directory, listening on 127.0.0.1 only.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowNs } from '../../clock.ts';
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import type { ProxySettings } from '../../scenario/schema.ts';
import { isRunning, runCommand, spawnTracked, stopChild } from '../processes.ts';
import { childPids, isLiveChild, listensOn } from '../proc.ts';
import { renderNginxConf, renderUpstream, UPSTREAM_FILE } from './nginx-config.ts';
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

const LEASH = fileURLToPath(new URL('../leash.mjs', import.meta.url));

export class Nginx implements Proxy {
  readonly kind = 'nginx';
  /** the leash nginx runs under (stack/leash.mjs); it exits when nginx's master does */
  private leash: ChildProcess | null = null;
  private masterPid: number | null = null;
  private stopping = false;
  private stderr = '';
  private readonly confPath: string;
  private endedWith: (why: string) => void = () => {};
  /** Resolves, with what happened, if nginx's master exits without stop() being called. */
  readonly ended = new Promise<string>((resolve) => (this.endedWith = resolve));

  private constructor(
    private readonly bin: string,
    readonly version: string,
    private readonly settings: ProxySettings,
    private readonly prefix: string,
    readonly port: number,
    private readonly appPorts: Record<Colour, number>,
  ) {
    this.confPath = join(prefix, 'nginx.conf');
  }

  static async create(settings: ProxySettings, prefix: string, port: number, appPorts: Record<Colour, number>): Promise<Nginx> {
    const bin = findNginx();
    return new Nginx(bin, await nginxVersion(bin), settings, prefix, port, appPorts);
  }

  private args(...extra: string[]): string[] {
    return ['-p', `${this.prefix}/`, '-c', this.confPath, ...extra];
  }

  async start(colour: Colour): Promise<void> {
    for (const dir of ['logs', 'conf.d', 'temp']) await mkdir(join(this.prefix, dir), { recursive: true });
    const conf = renderNginxConf(this.settings, {
      prefix: this.prefix,
      listenPort: this.port,
      appPorts: this.appPorts,
      runAsRoot: process.getuid?.() === 0,
    });
    await writeFile(this.confPath, conf);
    await this.writeUpstream(colour);
    await this.test();
    // In the foreground, on a leash: nginx cannot outlive the harness, even after a SIGKILL.
    const leash = spawnTracked(process.execPath, [LEASH, '--remove', this.prefix, '--', this.bin, ...this.args()], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.leash = leash;
    leash.stderr!.on('data', (d) => (this.stderr += d));
    let out = '';
    const started = new Promise<number>((resolve) =>
      leash.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { pid: number }).pid);
      }),
    );
    const exited = new Promise<never>((_, reject) =>
      leash.once('exit', (code) => {
        if (!this.stopping) this.endedWith(`nginx exited unexpectedly (code ${code}): ${this.stderr.trim().split('\n').pop() || 'no output'}`);
        reject(new CannotMeasure(`nginx exited (code ${code}) while starting:\n${this.stderr.trim() || '(no output)'}`));
      }),
    );
    exited.catch(() => {});
    await Promise.race([
      exited,
      started.then((pid) => {
        this.masterPid = pid;
        return waitForListener(this.port, pid, 10_000);
      }),
    ]);
  }

  async writeUpstream(colour: Colour): Promise<void> {
    // Write then rename, so a reload never reads half a file.
    const path = join(this.prefix, UPSTREAM_FILE);
    await writeFile(`${path}.tmp`, renderUpstream(this.settings, colour, this.appPorts));
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
    if (this.masterPid === null || !this.leash || !isRunning(this.leash)) throw new CannotMeasure('nginx reload failed: nginx is not running');
    const at = nowNs();
    process.kill(this.masterPid, 'SIGHUP');
    return at;
  }

  async workers(): Promise<number[]> {
    return this.masterPid && this.leash && isRunning(this.leash) ? childPids(this.masterPid) : [];
  }

  async isWorker(pid: number): Promise<boolean> {
    return this.masterPid !== null && isLiveChild(pid, this.masterPid);
  }

  async configFiles(): Promise<Record<string, string>> {
    return {
      'nginx.conf': await readFile(this.confPath, 'utf8'),
      'service-url.inc': await readFile(join(this.prefix, UPSTREAM_FILE), 'utf8'),
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.leash && isRunning(this.leash)) await stopChild(this.leash, 'SIGTERM');
    else if (this.leash?.pid) {
      // The leash itself was killed: nginx may still run in its process group.
      try {
        process.kill(-this.leash.pid, 'SIGKILL');
      } catch {
        // the group is empty
      }
    }
    this.leash = null;
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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
