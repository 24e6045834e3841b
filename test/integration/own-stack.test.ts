// Your own stack, one part at a time: your nginx.conf, your app, your deploy step, and a running
// system the harness did not start (npm run measure) — the meter and its figures unchanged.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tolerance } from '../../harness/run/calibration.ts';
import { fixtureJson } from '../../harness/stack/apps.ts';
import { firstOutage, harnessProcesses, ROOT, runCli, startScript } from './helpers.ts';

const quick = ['--duration', '5s', '--switches', '2', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s', '--json'];
const outDir = () => mkdtempSync(join(tmpdir(), 'downtime-test-reports-'));
const runDir = (out: string) => join(out, readdirSync(out).find((f) => /^\d{8}-/.test(f))!);

/** `npm run measure -- …args`, one process, as npm runs it. */
const runMeasure = (args: string[]) => startScript('harness/cli/measure.ts', args).result;

/** A fixture app started by the test itself, as a system the harness did not start. */
async function startFixture(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'harness/stack/fixture/app.mjs'), '--colour', 'blue', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(JSON.parse(String(d).split('\n')[0]).listening)));
  fixtures.push(child);
  return { port, child };
}

const fixtures: ChildProcess[] = [];
afterEach(async () => {
  // The test's own fixtures first, and only once they have exited is anything left a leak.
  await Promise.all(
    fixtures.splice(0).map((f) => (f.exitCode === null && f.signalCode === null ? new Promise((r) => f.once('exit', r).kill('SIGTERM')) : null)),
  );
  expect(harnessProcesses()).toEqual([]);
});

describe('your nginx.conf', () => {
  it('a server block of yours runs, with the lines the harness changed beside the report', async () => {
    const out = outDir();
    const r = await runCli(['keepalive-60s', '--nginx-conf', 'examples/seed-server.conf', ...quick, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.meta.stack.config).toContain('examples/seed-server.conf');
    expect(report.analysis.totals.ok).toBeGreaterThan(1000);
    for (const d of report.analysis.disruptions) expect(d.crossover.tookEffect).toBe(true);
    const dir = runDir(out);
    expect(readFileSync(join(dir, 'nginx-changes.txt'), 'utf8')).toMatch(/^line 4: listen 80; +→ +listen 127\.0\.0\.1:\d+;/m);
    expect(readFileSync(join(dir, 'yours-seed-server.conf'), 'utf8')).toBe(readFileSync(join(ROOT, 'examples/seed-server.conf'), 'utf8'));
    expect(readFileSync(join(dir, 'nginx.conf'), 'utf8')).toContain('proxy_set_header X-Real-IP $remote_addr;');
  }, 60_000);

  it('one nginx rejects: exit 2 with nginx\'s own words; a missing file: exit 2 naming it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'downtime-test-conf-')), 'app.conf');
    writeFileSync(file, 'server {\n  listen 80;\n  include service-url.inc;\n  location / { proxy_pass $service_url; no_such_directive on; }\n}\n');
    const r = await runCli(['keepalive-60s', '--nginx-conf', file, ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nginx rejected the configuration:[\s\S]*unknown directive "no_such_directive"/);
    const missing = await runCli(['keepalive-60s', '--nginx-conf', '/nonexistent/app.conf', ...quick]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('proxy.configFile /nonexistent/app.conf: no such file');
  }, 60_000);
});

describe('your app and your deploy step', () => {
  it('--app-cmd runs any server as blue and green; without a colour header the crossover is not checked', async () => {
    const r = await runCli(['keepalive-60s', '--app-cmd', 'exec python3 -m http.server --bind 127.0.0.1 $PORT', '--connections', '4', ...quick]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.analysis.totals.ok).toBeGreaterThan(100);
    expect(report.analysis.problems).toEqual([]);
    expect(report.analysis.notes[0]).toMatch(/not checked/);
    expect(spawnSync('pgrep', ['-f', 'http.server --bind 127.0.0.1']).status).toBe(1); // none left
  }, 60_000);

  it('the requests are yours (method, paths, headers, body), and the colour can come from the body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'downtime-test-app-'));
    // An app of a few lines: it names its colour in its JSON body only, and notes what it got.
    writeFileSync(
      join(dir, 'app.mjs'),
      [
        "import { appendFileSync } from 'node:fs';",
        "import http from 'node:http';",
        'let noted = 0;',
        'http.createServer((req, res) => {',
        "  let body = '';",
        "  req.on('data', (d) => (body += d));",
        "  req.on('end', () => {",
        "    if (req.url !== '/' && noted++ < 20) appendFileSync(process.env.NOTES, `${process.env.COLOUR} ${req.method} ${req.url} ${req.headers['x-test']} ${body}\\n`);",
        "    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ colour: process.env.COLOUR }));",
        '  });',
        "}).listen(Number(process.env.PORT), '127.0.0.1');",
      ].join('\n'),
    );
    const r = await runCli(
      [
        'keepalive-60s', '--app-cmd', `NOTES=${join(dir, 'notes')} exec node ${join(dir, 'app.mjs')}`,
        '--method', 'POST', '--header', 'X-Test: 42', '--body', 'hello',
        '--set', 'load.paths=["/a","/b"]', '--set', 'apps.colourBody="colour":"(blue|green)"', '--connections', '4', ...quick,
      ],
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.analysis.notes).toEqual([]); // the colours were told apart, so the crossover was checked
    for (const d of report.analysis.disruptions) expect(d.crossover.tookEffect).toBe(true);
    const notes = readFileSync(join(dir, 'notes'), 'utf8').trim().split('\n');
    expect(new Set(notes.map((l) => l.split(' ').slice(1).join(' ')))).toEqual(new Set(['POST /a 42 hello', 'POST /b 42 hello']));
  }, 60_000);

  it('--switch-cmd: your deploy script does each switch, its output is kept', async () => {
    const out = outDir();
    const r = await runCli(['keepalive-60s', '--switch-cmd', 'examples/deploy.sh', ...quick, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const d of report.analysis.disruptions) {
      const names = d.events.map((e: { name: string }) => e.name);
      expect(names).toContain('switch-command-started');
      expect(names).toContain('switch-command-ended');
      expect(names).not.toContain('reload-signalled');
      expect(d.crossover.newShareAfter).toBeGreaterThanOrEqual(0.99);
    }
    const log = readFileSync(join(runDir(out), 'switch-command.log'), 'utf8');
    expect(log).toContain('deploy: blue -> green');
    expect(log).toContain('deploy: green -> blue');
  }, 60_000);

  it('a switch command that fails, or hangs past its timeout: exit 2, measured part written, nothing left', async () => {
    const out = outDir();
    const failing = await runCli(['keepalive-60s', '--switch-cmd', 'echo broken >&2; exit 3', ...quick, '--out', out]);
    expect(failing.code).toBe(2);
    expect(failing.stderr).toMatch(/the switch command \(echo broken >&2; exit 3\) exited with 3/);
    expect(readFileSync(join(runDir(out), 'switch-command.log'), 'utf8')).toContain('broken');
    const hanging = await runCli(['keepalive-60s', '--switch-cmd', 'sleep 30', '--set', 'switches.commandTimeoutMs=1s', ...quick]);
    expect(hanging.code).toBe(2);
    expect(hanging.stderr).toContain('did not finish within 1000 ms (switches.commandTimeoutMs)');
    expect(spawnSync('pgrep', ['-xf', 'sleep 30']).status).toBe(1);
  }, 60_000);
});

describe('npm run measure: a system the harness did not start', () => {
  it('measures an outage of known length made by the switch command, within the calibration tolerance', async () => {
    const { port } = await startFixture();
    const cmd = `node -e "fetch('http://127.0.0.1:${port}/__outage?mode=503&ms=300',{method:'POST'})"`;
    const r = await runMeasure(['--url', `http://127.0.0.1:${port}/`, '--switch-cmd', cmd, '--switches', '1', '--interval', '2s', '--connections', '8', '--json', '--out', outDir()]);
    expect(r.code, r.stderr).toBe(0);
    // errorWindow against the outage itself; maxGap against the gap between successes as the app
    // served them (an app late to serve again after the outage widens the gap clients see)
    const { outageMs: truthMs, servedGapMs: servedMs } = await firstOutage(port);
    const [d] = JSON.parse(r.stdout).analysis.disruptions;
    const seen = `errorWindow ${d.errorWindowMs} ms against the outage's ${truthMs}; maxGap ${d.maxGapMs} ms against ${servedMs} served; load stall ${d.loadStallMs} ms`;
    expect(Math.abs(d.errorWindowMs - truthMs), seen).toBeLessThanOrEqual(tolerance(truthMs));
    expect(Math.abs(d.maxGapMs - servedMs), seen).toBeLessThanOrEqual(tolerance(servedMs));
  }, 60_000);

  it('watching only: finds a disruption nobody announced', async () => {
    const { port } = await startFixture();
    const measuring = runMeasure(['--url', `http://127.0.0.1:${port}/`, '--duration', '9s', '--connections', '8', '--json', '--out', outDir()]);
    // well after the load has started (the CLI itself takes a second or two to start)
    await new Promise((r) => setTimeout(r, 5000));
    await fixtureJson(port, '/__outage?mode=503&ms=300', 'POST');
    const r = await measuring;
    expect(r.code, r.stderr).toBe(0);
    const { outageMs: truthMs } = await firstOutage(port);
    const disruptions = JSON.parse(r.stdout).analysis.disruptions;
    expect(disruptions.map((d: { label: string }) => d.label)).toEqual(['observed disruption 1']);
    expect(Math.abs(disruptions[0].errorWindowMs - truthMs)).toBeLessThanOrEqual(tolerance(truthMs));
  }, 60_000);

  it('bad input: no --url, a URL that does not answer, a switch count without a command: exit 2', async () => {
    const none = await runMeasure([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--url is required');
    const dead = await runMeasure(['--url', 'http://127.0.0.1:9/', '--duration', '3s']);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/target\.url http:\/\/127\.0\.0\.1:9\/ does not answer \(ECONNREFUSED\)/);
    const { port } = await startFixture();
    const noCmd = await runMeasure(['--url', `http://127.0.0.1:${port}/`, '--switches', '2']);
    expect(noCmd.code).toBe(2);
    expect(noCmd.stderr).toContain('switches.command: a URL the harness did not start is switched only by your command');
  }, 60_000);
});
