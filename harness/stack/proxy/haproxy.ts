// A real HAProxy in master-worker mode, reloaded the way its documentation recommends: the
// master re-reads its configuration on SIGUSR2, starts new workers and lets the old ones
// soft-stop. The live colour's backend is the second configuration file, rewritten per switch.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import { findBinary } from '../binaries.ts';
import { waitForPort } from '../ports.ts';
import { runCommand } from '../processes.ts';
import { childPids, isLiveChild } from '../process-table.ts';
import { HAPROXY_UPSTREAM_FILE, renderHaproxyCfg, renderHaproxyUpstream } from './haproxy-config.ts';
import { LocalProxy, type Placement, type Proxy } from './proxy.ts';

const HINT = 'Install it with `sudo apt-get install haproxy` (Debian/Ubuntu) or `brew install haproxy`; or point HAPROXY_BIN at a binary.';

export class HAProxy extends LocalProxy implements Proxy {
  readonly kind = 'haproxy';
  private pid: number | null = null;
  private readonly cfg = join(this.prefix, 'haproxy.cfg');
  private readonly upstream = join(this.prefix, HAPROXY_UPSTREAM_FILE);

  static async create(place: Placement): Promise<HAProxy> {
    const bin = findBinary('haproxy', 'HAPROXY_BIN', HINT);
    const { stdout } = await runCommand(bin, ['-v']);
    const version = /HAProxy version (\S+)/.exec(stdout)?.[1];
    return new HAProxy(bin, `haproxy/${version ?? 'unknown'}`, place);
  }

  private files = () => ['-f', this.cfg, '-f', this.upstream];

  async start(colour: Colour): Promise<void> {
    await mkdir(join(this.prefix, 'conf.d'), { recursive: true });
    await writeFile(this.cfg, renderHaproxyCfg(this.settings, { prefix: this.prefix, listenPort: this.port }));
    await this.writeUpstream(colour);
    await this.test();
    // -W: master-worker; -db: the master stays in the foreground, on the harness's leash.
    const leashed = this.leash('haproxy', this.bin, ['-W', '-db', ...this.files()]);
    await Promise.race([leashed.exited, leashed.pid.then((pid) => (this.pid = pid))]);
    await Promise.race([leashed.exited, waitForPort(this.port, 10_000, 'haproxy')]);
  }

  async writeUpstream(colour: Colour): Promise<void> {
    await writeFile(`${this.upstream}.tmp`, renderHaproxyUpstream(colour, this.appPorts));
    await rename(`${this.upstream}.tmp`, this.upstream);
  }

  async test(): Promise<void> {
    const { code, stdout, stderr } = await runCommand(this.bin, ['-c', '-q', ...this.files()]);
    if (code !== 0) throw new CannotMeasure(`haproxy rejected the configuration:\n${`${stdout}${stderr}`.trim()}`);
  }

  async reload(): Promise<void> {
    if (this.pid === null || !this.leashed?.running()) throw new CannotMeasure('haproxy is not running');
    process.kill(this.pid, 'SIGUSR2');
  }

  async workers(): Promise<number[]> {
    return this.pid !== null && this.leashed?.running() ? childPids(this.pid) : [];
  }

  async isWorker(pid: number): Promise<boolean> {
    return this.pid !== null && isLiveChild(pid, this.pid);
  }

  commandEnv(to: Colour): Record<string, string> {
    return {
      DOWNTIME_UPSTREAM_FILE: this.upstream,
      DOWNTIME_UPSTREAM_LINE: renderHaproxyUpstream(to, this.appPorts),
      DOWNTIME_RELOAD: `kill -USR2 ${this.pid ?? ''}`,
    };
  }

  async configFiles(): Promise<Record<string, string>> {
    return { 'haproxy.cfg': await readFile(this.cfg, 'utf8'), 'live.cfg': await readFile(this.upstream, 'utf8') };
  }
}
