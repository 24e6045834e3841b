// The fault table (README, "Faults and what the harness does"): one test per row. Every run
// gets its own TMPDIR, so after each row we can say for sure that no process of the run is left,
// no temp file is left, and what was measured before the fault is still written.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, startCli, type CliResult } from './helpers.ts';

const quick = ['--duration', '4s', '--switches', '1', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tmp: string; // the run's TMPDIR: nginx's prefix lives here
let out: string; // --out
let occupied: Server | null = null;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'downtime-faults-tmp-'));
  out = mkdtempSync(join(tmpdir(), 'downtime-faults-out-'));
});

afterEach(async () => {
  occupied?.close();
  occupied = null;
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
      if (cmdline.includes(tmp) || cmdline.includes(`${ROOT}harness/stack/`) || fds.some((f) => f.startsWith(`${tmp}/`))) {
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

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => startCli(args, { TMPDIR: tmp, ...env });
const runDirs = () => readdirSync(out).filter((d) => /^\d{8}-\d{6}-/.test(d));

/** Waits until the run's load is on (nginx workers and the blue app up). */
async function loadRunning(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!runProcesses().some((p) => p.includes('nginx: worker')) && Date.now() < deadline) await sleep(100);
  await sleep(1500);
}

function storedReport(): { meta: { error: string | null; aborted: boolean }; analysis: { totals: { requests: number } } } {
  const [dir] = runDirs();
  return JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8'));
}

/** A run's directory holds the records and the configuration, whatever ended it. */
function expectMeasuredWritten(minRequests = 1000) {
  const [dir] = runDirs();
  expect(dir).toBeDefined();
  for (const f of ['records.bin', 'run.json', 'report.json', 'nginx.conf', 'service-url.inc']) expect(existsSync(join(out, dir, f)), f).toBe(true);
  expect(storedReport().analysis.totals.requests).toBeGreaterThan(minRequests);
}

const pidsOf = (pattern: string) => runProcesses().filter((p) => p.includes(pattern)).map((p) => Number(p.split(' ')[0]));

describe('fault table', () => {
  it('unwritable --out: exit 2 at once, before starting anything', async () => {
    const started = Date.now();
    const r: CliResult = await run(['keepalive-60s', '--out', '/proc/no-such-dir']).result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out /proc/no-such-dir: cannot write there (ENOENT)');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('app crash mid-run: exit 2 naming it, what was measured is written', async () => {
    const { result } = run(['keepalive-60s', '--out', out]);
    await loadRunning();
    for (const pid of pidsOf('fixture/app.mjs --colour blue')) process.kill(pid, 'SIGKILL');
    const r = await result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the blue app exited unexpectedly (SIGKILL)');
    expectMeasuredWritten();
    expect(storedReport().meta.error).toContain('blue app exited unexpectedly');
  });

  it('nginx killed mid-run: exit 2 naming it, what was measured is written', async () => {
    const { result } = run(['keepalive-60s', '--out', out]);
    await loadRunning();
    for (const pid of pidsOf('nginx: master')) process.kill(pid, 'SIGKILL');
    const r = await result;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nginx exited unexpectedly');
    expectMeasuredWritten();
  });

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
