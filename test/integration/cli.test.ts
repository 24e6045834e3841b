// The CLI's contract with its users: clear messages and exit code 2 for what it cannot measure,
// Ctrl-C that still writes what was measured, and nothing left running in any case.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecords } from '../../harness/records/file.ts';
import { harnessProcesses, ROOT, runCli, startCli } from './helpers.ts';

const quick = ['--duration', '4s', '--switches', '1', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s'];
const outDir = () => mkdtempSync(join(tmpdir(), 'downtime-test-reports-'));

let occupied: Server | null = null;
afterEach(() => {
  occupied?.close();
  occupied = null;
  expect(harnessProcesses()).toEqual([]);
});

function occupyPort(): Promise<number> {
  return new Promise((resolve) => {
    occupied = createServer().listen(0, '127.0.0.1', () => resolve((occupied!.address() as { port: number }).port));
  });
}

describe('scenario CLI', () => {
  it('runs a scenario and writes every output file', async () => {
    const out = outDir();
    const r = await runCli(['keepalive-60s', ...quick, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/requests [\d,]+ +ok [\d,]+ +failed/);
    expect(r.stdout).toContain('switch 1: blue → green');
    const [dir] = readdirSync(out);
    expect(dir).toMatch(/^\d{8}-\d{6}-keepalive-60s$/);
    const files = readdirSync(join(out, dir)).sort();
    expect(files).toEqual(['charts', 'nginx.conf', 'records.bin', 'report.html', 'report.json', 'run.json', 'service-url.inc', 'summary.txt']);
    const report = JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8'));
    const records = decodeRecords(readFileSync(join(out, dir, 'records.bin')));
    expect(report.schemaVersion).toBe(2);
    expect(report.analysis.totals.requests).toBe(records.count);
    expect(report.meta.proxy.version).toMatch(/^nginx\/\d/);
    expect(readFileSync(join(out, dir, 'service-url.inc'), 'utf8')).toContain('set $service_url');

    // Re-analysed from its stored records alone, the run gives the same figures.
    const again = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli/report.ts', join(out, dir), '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).analysis).toEqual(report.analysis);
  });

  it('--help and --list exit 0', async () => {
    expect((await runCli(['--help'])).stdout).toContain('Usage: npm run scenario');
    const list = await runCli(['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('connection-close');
  });

  it('unknown scenario: exit 2, lists the known ones', async () => {
    const r = await runCli(['keepalive']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown scenario "keepalive"');
    expect(r.stderr).toContain('tuned-3s-1s');
  });

  it('invalid value: exit 2, names the field', async () => {
    const r = await runCli(['keepalive-60s', '--set', 'proxy.workerProcesses=many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('proxy.workerProcesses');
  });

  it('nginx missing: exit 2, says how to install it', async () => {
    // Debian's /usr/sbin is searched whatever PATH says, so the binary is hidden through NGINX_BIN.
    const r = await runCli(['keepalive-60s', ...quick], { NGINX_BIN: '/nonexistent/nginx' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npm run setup');
    expect(r.stderr).toContain('apt-get install nginx');
  });

  it('config nginx rejects: exit 2 with nginx\'s own words', async () => {
    const r = await runCli(['keepalive-60s', ...quick, '--set', 'proxy.extraHttp=["no_such_directive on;"]']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nginx rejected the configuration');
    expect(r.stderr).toContain('unknown directive "no_such_directive"');
  });

  it('a port that cannot be bound: exit 2, names the field', async () => {
    const port = await occupyPort();
    const r = await runCli(['keepalive-60s', ...quick, '--set', `proxy.port=${port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`proxy.port: cannot bind 127.0.0.1:${port} (EADDRINUSE)`);
  });

  it('an app that never becomes healthy: exit 2', async () => {
    const r = await runCli(['keepalive-60s', ...quick, '--set', 'apps.healthyAfterMs=60000', '--set', 'apps.healthTimeoutMs=500']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('blue app on port');
    expect(r.stderr).toContain('did not become healthy within 500 ms (apps.healthTimeoutMs)');
  });

  it('a switch that does not take effect: exit 2, whatever the error count', async () => {
    // A location-level `set` pins every request to blue, overriding the include a switch rewrites.
    const r = await runCli(['keepalive-60s', ...quick, '--out', outDir(), '--set', 'proxy.extraLocation=["set $service_url http://blue;"]']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('switch 1: blue → green did not take effect');
    expect(r.stdout).toContain('NOT TAKEN');
  });

  it('Ctrl-C: stops every process, still writes what was measured, exits 130', async () => {
    const out = outDir();
    const { child, result } = startCli(['keepalive-60s', '--out', out]);
    // Wait until the load runs (nginx and the blue app up), then interrupt mid-run.
    const deadline = Date.now() + 20_000;
    while (harnessProcesses().filter((p) => p.includes('nginx: worker')).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(harnessProcesses().some((p) => p.includes('fixture/app.mjs'))).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    const [dir] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8'));
    expect(report.meta.aborted).toBe(true);
    expect(report.analysis.totals.requests).toBeGreaterThan(1000);
    expect(existsSync(join(out, dir, 'records.bin'))).toBe(true);
    expect(r.stdout).toContain('STOPPED EARLY');
  });
});
