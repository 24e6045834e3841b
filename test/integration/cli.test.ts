// The CLI's contract with its users: clear messages and exit code 2 for what it cannot measure,
// Ctrl-C that still writes what was measured, and nothing left running in any case.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecords } from '../../harness/records/file.ts';
import { harnessProcesses, ROOT, runCli, runScriptSync } from './helpers.ts';
import { commandArgs } from '../command.ts';

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

// npm as a user runs it: its own environment, not the test runner's
const npmEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))) as NodeJS.ProcessEnv;

describe('what a new user meets', () => {
  it('npm run with flags and no --: exit 2, says how to pass them', () => {
    const r = spawnSync('npm', ['run', '-s', 'scenario', 'keepalive-60s', '--switches', '3'], { cwd: ROOT, encoding: 'utf8', env: npmEnv(), timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('npm kept --switches for itself');
    expect(r.stderr).toContain('npm run scenario -- <arguments and flags>');
    const json = spawnSync('npm', ['run', '-s', 'scenario', 'keepalive-60s', '--json'], { cwd: ROOT, encoding: 'utf8', env: npmEnv(), timeout: 60_000 });
    expect(json.status).toBe(2);
    expect(json.stderr).toContain('npm kept --json for itself');
  });

  it('the bin takes plain flags: npx downtime-harness <command> …', () => {
    const list = spawnSync('npx', ['downtime-harness', 'scenario', '--list'], { cwd: ROOT, encoding: 'utf8', env: npmEnv(), timeout: 60_000 });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('connection-close');
    const flag = spawnSync('npx', ['downtime-harness', 'scenario', 'keepalive-60s', '--switches', 'x'], { cwd: ROOT, encoding: 'utf8', env: npmEnv(), timeout: 60_000 });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('--switches x: expected a whole number');
    const fields = spawnSync(process.execPath, ['bin/downtime-harness.mjs', 'scenario', '--fields'], { cwd: ROOT, encoding: 'utf8' });
    expect(fields.status).toBe(0);
    expect(fields.stdout).toContain('proxy.extraHttp');
    const unknown = spawnSync(process.execPath, ['bin/downtime-harness.mjs', 'scenarios'], { cwd: ROOT, encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "scenarios"');
  });

  it('report on a missing directory says it does not exist', () => {
    const r = runScriptSync('harness/cli/report.ts', ['/tmp/downtime-no-such-dir']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/tmp/downtime-no-such-dir: no such directory');
  });

  it('compare with one scenario and no repeats: exit 2, says why', () => {
    const r = runScriptSync('harness/cli/compare.ts', ['keepalive-60s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('one scenario is nothing to compare');
    expect(r.stderr).toContain('npm run scenario -- keepalive-60s');
  });

  it('gate --stat with no threshold on the command line: exit 2, says where it applies', () => {
    const r = runScriptSync('harness/cli/gate.ts', ['connection-close', '--stat', 'p95']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--stat p95 applies to the thresholds given on the command line');
  });

  it('bench takes durations by the same rule', () => {
    const bare = runScriptSync('scripts/bench.ts', ['--duration', '5']);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('for 5 seconds write 5s');
    const part = runScriptSync('scripts/bench.ts', ['--duration', '2500ms']);
    expect(part.status).toBe(2);
    expect(part.stderr).toContain('whole seconds');
  });

  it('--duration 10 is 10 ms, and the message says how to write seconds', async () => {
    const r = await runCli(['keepalive-60s', '--duration', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('for 10 seconds write 10s');
  });

  it('--json: JSON alone on stdout, with the run directory and the verdict; the summary on stderr', async () => {
    const out = outDir();
    const r = await runCli(['connection-close', ...quick, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.runDir).toBe(join(out, readdirSync(out).find((d) => d.endsWith('-connection-close'))!));
    expect(json.verdict).toMatchObject({ outcome: expect.stringMatching(/^(lost|clean)$/), gateText: expect.stringContaining('maxFailed ≤ 0') });
    expect(json.analysis.totals.requests).toBeGreaterThan(0);
    expect(r.stderr).toContain('verdict: ');
    expect(r.stderr).toContain('report: ');
  });
});

describe('scenario CLI', () => {
  it('runs a scenario and writes every output file', async () => {
    const out = outDir();
    const r = await runCli(['keepalive-60s', ...quick, '--out', out]);
    expect(r.stderr).toBe('keepalive-60s: 4.0 s of load, 1 switch…\n'); // the start, on stderr
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verdict: [\d,]+ FAILED REQUESTS? — expected: this scenario reproduces a known failure, |^verdict: NO FAILED REQUESTS — NOT AS EXPECTED: /m);
    expect(r.stdout).toMatch(/requests [\d,]+ +ok [\d,]+ +failed/);
    expect(r.stdout).toContain('switch 1: blue → green');
    const [dir] = readdirSync(out);
    expect(dir).toMatch(/^\d{8}-\d{6}-keepalive-60s$/);
    const files = readdirSync(join(out, dir)).sort();
    expect(files).toEqual(['charts', 'nginx.conf', 'records.bin', 'report.html', 'report.json', 'run.json', 'service-url.inc', 'summary.txt']);
    const report = JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8'));
    // named by its start, the time its pages show
    expect(dir.slice(0, 15)).toBe(report.meta.startedAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15));
    const records = decodeRecords(readFileSync(join(out, dir, 'records.bin')));
    expect(report.schemaVersion).toBe(2);
    expect(report.analysis.totals.requests).toBe(records.count);
    expect(report.meta.proxy.version).toMatch(/^nginx\/\d/);
    expect(readFileSync(join(out, dir, 'service-url.inc'), 'utf8')).toContain('set $service_url');

    // Re-analysed from its stored records alone, the run gives the same figures.
    const again = spawnSync(process.execPath, commandArgs('harness/cli/report.ts', [join(out, dir), '--json']), { cwd: ROOT, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).analysis).toEqual(report.analysis);
  });

  it('a run that takes longer than asked says which switches ran late, and by how much', async () => {
    const out = outDir();
    // each switch holds the old colour 1.5 s (switches.drainMs), and they are due 0.67 s apart
    const r = await runCli(['connection-close', '--duration', '4.5s', '--switches', '3', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s', '--set', 'switches.drainMs=1.5s', '--out', out]);
    expect(r.code).toBe(0);
    const [dir] = readdirSync(out);
    const { meta } = JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8'));
    const lateMs = meta.schedule.map((x: { startedMs: number; dueMs: number }) => x.startedMs - x.dueMs);
    // at least the 1.5 s each switch before took, less the 0.67 s between them: later on a busy machine, never sooner
    expect(lateMs[1]).toBeGreaterThanOrEqual(1500 - 667);
    expect(lateMs[2]).toBeGreaterThanOrEqual(2 * (1500 - 667));
    const line = r.stdout.split('\n').find((l) => l.startsWith('longer than asked: '));
    expect(line).toContain(`switch 2/3 started ${(lateMs[1] / 1000).toFixed(1)} s late`);
    expect(line).toContain(`switch 3/3 started ${(lateMs[2] / 1000).toFixed(1)} s late`);
    expect(line).toMatch(/so the load ran [\d.]+ s, not the 4\.5 s asked$/);
    expect(readFileSync(join(out, dir, 'report.html'), 'utf8')).toContain('switch 3/3 started');
  });

  it('--help and --list exit 0', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/Usage: (npm run scenario|npx downtime-harness scenario)/); // dist/ speaks the package's way
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
    expect(r.stderr).toMatch(/blue app on port \d+ did not become healthy within 500 ms \(apps\.healthTimeoutMs\): \/__health never answered 2xx or 3xx/);
  });
});
