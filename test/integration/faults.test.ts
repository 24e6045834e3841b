// The fault table (README, "Faults and what the harness does"): one test per row. Every run
// gets its own TMPDIR, so after each row we can say for sure that no process of the run is left,
// no temp file is left, and what was measured before the fault is still written.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRecords } from '../../harness/records/file.ts';
import { resolveScenario } from '../../harness/scenario/resolve.ts';
import { Nginx } from '../../harness/stack/proxy/nginx.ts';
import { ROOT, runsHarnessProgram, startCli, type CliResult } from './helpers.ts';
import { commandArgs } from '../command.ts';

const quick = ['--duration', '4s', '--switches', '1', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tmp: string; // the run's TMPDIR: nginx's prefix lives here
let out: string; // --out
let occupied: Server | null = null;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'downtime-faults-tmp-'));
  out = mkdtempSync(join(tmpdir(), 'downtime-faults-out-'));
  // tsx keeps its compile cache in TMPDIR: the suite's own, shared, rather than a cold one per
  // row (a cold cache costs each CLI start and each load thread about a second of compiling)
  const cache = `tsx-${process.getuid?.() ?? 0}`;
  mkdirSync(join(tmpdir(), cache), { recursive: true });
  symlinkSync(join(tmpdir(), cache), join(tmp, cache));
});

afterEach(async () => {
  occupied?.close();
  occupied = null;
  // A row whose CLI hung (as --out /proc/x did) must not leave it spinning after the test.
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  // The fixtures notice a dead parent within 500 ms, the leash at once: allow a few seconds.
  for (let i = 0; i < 40 && runProcesses().length > 0; i++) await sleep(100);
  expect(runProcesses()).toEqual([]);
  expect(tempEntries()).toEqual([]);
  expect(tempFilesIn(out)).toEqual([]);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

/** Processes of this test's runs: anything naming its TMPDIR or holding a file there open, and this checkout's fixtures and leashes. */
function runProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const fds = readdirSync(`/proc/${entry}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          return '';
        }
      });
      if (cmdline.includes(tmp) || runsHarnessProgram(cmdline) || fds.some((f) => f.startsWith(`${tmp}/`))) {
        found.push(`${entry} ${cmdline}`);
      }
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** What the run left in its TMPDIR (tsx's compile cache is tsx's, not the harness's). */
const tempEntries = () => readdirSync(tmp).filter((f) => !f.startsWith('tsx-'));

/** Half-written files: an atomic write leaves none, whatever happened. */
function tempFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp-\d+$/.test(f));
}

const started: ChildProcess[] = [];
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const cli = startCli(args, { TMPDIR: tmp, ...env });
  started.push(cli.child);
  return cli;
};
const runDirs = () => readdirSync(out).filter((d) => /^\d{8}-\d{6}-/.test(d));

/** Waits until the run's load is on (nginx workers and the blue app up), and has run a while. */
async function loadRunning(): Promise<void> {
  const deadline = Date.now() + 20_000;
  const up = () => ['nginx: worker', 'fixture/app.mjs --colour blue'].every((what) => runProcesses().some((p) => p.includes(what)));
  while (!up() && Date.now() < deadline) await sleep(100);
  await sleep(1000);
}

function storedReport(): { meta: { error: string | null; aborted: boolean }; analysis: { totals: { requests: number } } } {
  const [dir] = runDirs();
  return JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8'));
}

/** A run's directory holds the records and the configuration, whatever ended it. */
function expectMeasuredWritten() {
  const [dir] = runDirs();
  expect(dir).toBeDefined();
  for (const f of ['records.bin', 'run.json', 'report.json', 'nginx.conf', 'service-url.inc']) expect(existsSync(join(out, dir, f)), f).toBe(true);
  const records = decodeRecords(readFileSync(join(out, dir, 'records.bin')));
  expect(records.count).toBeGreaterThan(0);
  expect(storedReport().analysis.totals.requests).toBe(records.count);
}

const pidsOf = (pattern: string) => runProcesses().filter((p) => p.includes(pattern)).map((p) => Number(p.split(' ')[0]));

function occupyPort(): Promise<number> {
  return new Promise((resolve) => {
    occupied = createServer().listen(0, '127.0.0.1', () => resolve((occupied!.address() as { port: number }).port));
  });
}

/** npm run report on a stored run directory. */
const report = (dir: string) => spawnSync(process.execPath, commandArgs('harness/cli/report.ts', [dir]), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });

/** A quick run's directory, for a row to damage: run once, then copied into each row's --out. */
let storedTemplate: string | null = null;
async function storedRun(): Promise<string> {
  if (!storedTemplate) {
    const r = await run(['keepalive-60s', ...quick, '--out', out]).result;
    expect(r.code).toBe(0);
    storedTemplate = mkdtempSync(join(tmpdir(), 'downtime-faults-stored-'));
    cpSync(join(out, runDirs()[0]), join(storedTemplate, runDirs()[0]), { recursive: true });
    return join(out, runDirs()[0]);
  }
  const [dir] = readdirSync(storedTemplate);
  cpSync(join(storedTemplate, dir), join(out, dir), { recursive: true });
  return join(out, dir);
}

/** A full disk is a small tmpfs: only where this process may mount one (root, outside a locked-down container). */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'downtime-faults-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe('fault table', () => {
  // Bad input and parts that will not start: exit 2, a message naming the cause, nothing started left.
  for (const [row, args, env, says] of [
    ['unknown flag', ['keepalive-60s', '--no-such-flag'], {}, ['unknown flag --no-such-flag (the flags: --list, ']],
    ['invalid field (timeoutMs 0 would turn timeouts off)', ['keepalive-60s', '--set', 'load.timeoutMs=0'], {}, ['load.timeoutMs: must be more than 0']],
    ['--set __proto__', ['keepalive-60s', '--set', '__proto__.polluted=1'], {}, ['--set __proto__.polluted: unknown field']],
    ['unknown scenario', ['keepalive'], {}, ['unknown scenario "keepalive"', 'connection-close']],
    ['nginx missing', ['keepalive-60s', ...quick], { NGINX_BIN: '/nonexistent/nginx' }, ['apt-get install nginx']],
    ['config nginx rejects', ['keepalive-60s', ...quick, '--set', 'proxy.extraHttp=["no_such_directive on;"]'], {}, ['unknown directive "no_such_directive"']],
    ['app never healthy', ['keepalive-60s', ...quick, '--set', 'apps.healthyAfterMs=60000', '--set', 'apps.healthTimeoutMs=500'], {}, ['did not become healthy within 500 ms (apps.healthTimeoutMs)']],
  ] as const) {
    it(`${row}: exit 2, says so`, async () => {
      const r = await run([...args, '--out', out], env).result;
      expect(r.code).toBe(2);
      for (const text of says) expect(r.stderr).toContain(text);
      expect(runDirs()).toEqual([]);
    });
  }

  it('unwritable --out: exit 2 at once, before starting anything', async () => {
    const started = Date.now();
    const r: CliResult = await run(['keepalive-60s', '--out', '/proc/no-such-dir']).result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out /proc/no-such-dir: cannot write there (ENOENT)');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.skipIf(!canMountTmpfs())('full disk: exit 2 naming it, the figures still shown, no half-written file', async () => {
    const disk = mkdtempSync(join(tmpdir(), 'downtime-faults-disk-'));
    // 64 KiB: the output directory is writable, the records are not.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
    try {
      const r = await run(['keepalive-60s', ...quick, '--out', disk]).result;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/could not write the results to .* \(ENOSPC\); what was measured is shown above/);
      expect(r.stdout).toMatch(/requests [\d,]+ +ok [\d,]+ +failed/);
      expect(tempFilesIn(disk)).toEqual([]);
    } finally {
      execFileSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });

  it('truncated records.bin: npm run report exits 2 naming it, the stored report stays as it was', async () => {
    const dir = await storedRun();
    const before = readFileSync(join(dir, 'report.json'), 'utf8');
    const size = readFileSync(join(dir, 'records.bin')).length;
    truncateSync(join(dir, 'records.bin'), Math.floor(size * 0.6));
    const r = report(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/records\.bin: not a readable records file: truncated: \d+ of \d+ bytes/);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(before);
  });

  it('damaged run.json: npm run report exits 2 naming the field', async () => {
    const dir = await storedRun();
    const runJson = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    runJson.scenario.load.connections = 'many';
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runJson));
    const r = report(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('run.json is damaged or not what it should be');
    expect(r.stderr).toContain('scenario.load.connections');
  });

  it('port taken: exit 2 naming the field', async () => {
    const port = await occupyPort();
    const r = await run(['keepalive-60s', ...quick, '--out', out, '--set', `proxy.port=${port}`]).result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`proxy.port: cannot bind 127.0.0.1:${port} (EADDRINUSE)`);
  });

  it("port taken between the harness's check and nginx's start: refused with nginx's words, not answered by the other process", async () => {
    const port = await occupyPort();
    const prefix = mkdtempSync(join(tmp, 'downtime-nginx-'));
    const nginx = await Nginx.create({ settings: resolveScenario('keepalive-60s').proxy, prefix, port, appPorts: { blue: 1, green: 2 } });
    try {
      await expect(nginx.start('blue')).rejects.toThrow(/nginx exited \(code 1\) while starting:[\s\S]*Address already in use/);
    } finally {
      await nginx.stop();
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('switch that does not take effect: exit 2 whatever the error count, NOT TAKEN, results written', async () => {
    const r = await run(['keepalive-60s', ...quick, '--out', out, '--set', 'proxy.extraLocation=["set $service_url http://blue;"]']).result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('switch 1: blue → green did not take effect');
    expect(r.stdout).toContain('NOT TAKEN');
    expectMeasuredWritten();
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exit ${code}, every process stopped, what was measured is written`, async () => {
      const { child, result } = run(['keepalive-60s', '--out', out]);
      await loadRunning();
      child.kill(signal);
      const r = await result;
      expect(r.code).toBe(code);
      expectMeasuredWritten();
      expect(storedReport().meta.aborted).toBe(true);
      expect(r.stdout).toContain('STOPPED EARLY');
    });
  }

  // Through npm: npm runs a script with `sh -c`, and forwards SIGINT and SIGTERM to that shell
  // only; the script execs the harness so that they reach it. A CI cancel signals npm alone; a
  // Ctrl-C signals the whole process group, so the harness gets it from the terminal and again
  // from npm: one stop, not a second signal's exit at once with nothing written.
  for (const [row, group] of [['SIGINT to the npm run process (a CI cancel)', false], ['SIGINT to the npm run process group (Ctrl-C)', true]] as const) {
    it(`${row}: the harness stops at once, exit 130, what was measured is written`, async () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
      // 60 s asked: a harness the signal did not reach would run on, and its report say so
      const child = spawn('npm', ['run', '-s', 'scenario', '--', 'keepalive-60s', '--duration', '60s', '--out', out], {
        cwd: ROOT,
        env: { ...env, CI: 'true', TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group, as a terminal's foreground job has
      });
      started.push(child);
      let stdout = '';
      child.stdout!.on('data', (d) => (stdout += d));
      const code = new Promise<number | null>((resolve) => child.on('close', resolve));
      await loadRunning();
      process.kill(group ? -child.pid! : child.pid!, 'SIGINT');
      expect(await code).toBe(130);
      expectMeasuredWritten();
      expect(storedReport().meta.aborted).toBe(true);
      expect(stdout).toContain('STOPPED EARLY');
    });
  }

  // A part of the stack killed mid-run: the run ends at once, naming it.
  for (const [row, victim, says] of [
    ['app crash mid-run', 'fixture/app.mjs --colour blue', 'the blue app exited unexpectedly (SIGKILL)'],
    ['nginx killed mid-run', 'nginx: master', 'nginx exited unexpectedly'],
    ["nginx's watcher killed mid-run (nginx is stopped with it)", 'leash.mjs', 'nginx exited unexpectedly'],
  ] as const) {
    it(`${row}: exit 2 naming it, what was measured is written`, async () => {
      const { result } = run(['keepalive-60s', '--out', out]);
      await loadRunning();
      for (const pid of pidsOf(victim)) process.kill(pid, 'SIGKILL');
      const r = await result;
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
      expectMeasuredWritten();
      expect(storedReport().meta.error).toContain(says);
    });
  }

  it('SIGKILL of the harness: nothing of the run outlives it', async () => {
    const { child, result } = run(['keepalive-60s', '--out', out]);
    await loadRunning();
    child.kill('SIGKILL');
    await result;
    // afterEach: no process, no temp directory left
  });

  it('SIGKILL of the harness and of nginx\'s leash: the next run removes what was left', async () => {
    const { child, result } = run(['keepalive-60s', '--out', out]);
    await loadRunning();
    const leash = pidsOf('leash.mjs');
    expect(leash.length).toBe(1);
    child.kill('SIGKILL');
    process.kill(leash[0], 'SIGKILL');
    await result;
    await sleep(500);
    expect(pidsOf('nginx: master').length).toBe(1); // left behind: nothing was there to stop it
    expect(tempEntries().length).toBe(1);
    const next = await run(['keepalive-60s', ...quick, '--out', out]).result;
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/removed what an earlier killed run left \(local\): process \d+, .*downtime-nginx-/);
  });
});
