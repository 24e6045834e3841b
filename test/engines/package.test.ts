// The npm package as a team installs it (docs/INSTALL.md): `npm pack` of this clone, installed with
// `npm i ./downtime-harness-*.tgz` into an empty project in a temp directory, and run there with
// `npx downtime-harness`: --version, `measure` against an outage of known length, `gate` with
// thresholds (exit 0, 1 and 2 as documented), and `scenario keepalive-60s` on the system's nginx.
// Nothing runs from the repository: the commands' working directory is the temp project, the
// package holds no TypeScript and no path of this clone, and tsx is not there to load any.
// In the second tier for its time: the install compiles canvas (about a minute here).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tolerance } from '../../harness/run/calibration.ts';
import { parse } from 'yaml';
import { firstOutage, harnessProcesses, outputOf, ROOT } from '../integration/helpers.ts';
import { block, jenkinsEnv, shSteps } from '../unit/ci-files.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

/** The environment of a shell in the temp project: none of the npm run that started vitest. */
const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'NODE_PATH')),
  CI: 'true',
  ...extra,
});

let work: string;
let project: string;
let installed: string;
const timings: Record<string, number> = {};

function sh(cmd: string, args: string[], cwd: string, timeout = 300_000) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: `${r.stderr}${r.error ? r.error.message : ''}`, ms: Date.now() - t0 };
}

/** `npx downtime-harness …` in the temp project, asynchronously (the fixture must keep serving). */
const npx = (args: string[]) => outputOf(spawn('npx', ['--no-install', 'downtime-harness', ...args], { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));

const fixtures: ChildProcess[] = [];
/** The package's own fixture app: a server on this machine that makes outages of known length. */
async function startServer(): Promise<number> {
  const child = spawn(process.execPath, [join(installed, 'dist/fixture/app.mjs'), '--colour', 'blue', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  fixtures.push(child);
  return new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(JSON.parse(String(d).split('\n')[0]).listening)));
}
const outageCmd = (port: number, ms = 300) => `node -e "fetch('http://127.0.0.1:${port}/__outage?mode=503&ms=${ms}',{method:'POST'})"`;
const runDirs = () => readdirSync(join(project, 'reports')).filter((d) => /^\d{8}-/.test(d)).sort();
/** The last run's switch-command.log: what a failing deploy said. */
const lastRunOf = () => runDirs().at(-1)!;
const switchLog = () => {
  const last = runDirs().at(-1);
  const file = last && join(project, 'reports', last, 'switch-command.log');
  return file && existsSync(file) ? readFileSync(file, 'utf8') : '(no switch-command.log)';
};

/**
 * A port with the next two free too: the stand-in staging's nginx, blue and green. Below the
 * kernel's ephemeral range: each deploy frees the old colour's port and binds it again a switch
 * later, and in between an outgoing connection (the load's, nginx's to the app) may take it as
 * its local port (seen: "listen EADDRINUSE" on blue's port at the second deploy, in CI).
 */
async function freePorts(): Promise<number> {
  const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = createServer().once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (Math.min(ephemeralLow, 30_000) - 10_003));
    if ((await free(port)) && (await free(port + 1)) && (await free(port + 2))) return port;
  }
}

/** Runs one CI step's script with bash -e, as a runner does; resolves with its exit code and output. */
function step(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the npm package, installed into an empty project', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'downtime-package-'));
    const pack = sh('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    timings.packMs = pack.ms;
    const [{ filename, size }] = JSON.parse(pack.stdout) as { filename: string; size: number }[];
    timings.packageBytes = size;
    // $RUNNER_TEMP/gate, as the example GitHub job installs it
    project = join(work, 'gate');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'a-team-project', private: true }, null, 2)}\n`);
    const install = sh('npm', ['install', '--no-audit', '--no-fund', join(work, filename)], project, 600_000);
    expect(install.code, install.stderr).toBe(0);
    timings.installMs = install.ms;
    installed = join(project, 'node_modules', 'downtime-harness');
    console.log(`package: ${filename}, ${(size / 1000).toFixed(0)} kB packed; npm pack ${timings.packMs} ms, npm install ${timings.installMs} ms`);
  }, 900_000);

  afterAll(async () => {
    await Promise.all(fixtures.map((f) => (f.exitCode === null ? new Promise((r) => f.once('exit', r).kill('SIGTERM')) : null)));
    expect(harnessProcesses()).toEqual([]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript alone: no TypeScript, no tsx, no path of this clone, only runtime dependencies', () => {
    const files = spawnSync('find', [installed, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.some((f) => f.endsWith('/dist/worker.mjs'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'esbuild'))).toBe(false);
    const texts = files.filter((f) => /\.(mjs|cjs|js|json)$/.test(f)).map((f) => readFileSync(f, 'utf8'));
    expect(texts.filter((t) => t.includes(ROOT.replace(/\/$/, '')))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual(pkg.dependencies);
    expect(manifest.dependencies.tsx).toBeUndefined();
  });

  it('--version prints the version; --help lists the commands the package has', async () => {
    const version = await npx(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await npx(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}measure /m);
    expect(help.stdout).not.toMatch(/^ {2}setup /m); // a clone's tool, not the package's
  });

  it('measure: an outage of known length, made by the switch command, within the calibration tolerance', async () => {
    const port = await startServer();
    const r = await npx(['measure', '--url', `http://127.0.0.1:${port}/`, '--switch-cmd', outageCmd(port), '--switches', '1', '--interval', '2s', '--connections', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { outageMs: truthMs } = await firstOutage(port);
    const report = JSON.parse(r.stdout);
    const [d] = report.analysis.disruptions;
    const bound = tolerance(truthMs) + d.loadStallMs;
    expect(Math.abs(d.errorWindowMs - truthMs), `errorWindow ${d.errorWindowMs} ms against the outage's ${truthMs}; tolerance ${tolerance(truthMs)} + load stall ${d.loadStallMs} ms`).toBeLessThanOrEqual(bound);
    expect(d.failedRequests).toBeGreaterThan(0);
    // the report in the project's own reports/, with its page and (canvas built) its PNGs
    const dir = join(project, 'reports', runDirs().at(-1)!);
    for (const f of ['report.json', 'report.html', 'summary.txt', 'records.bin', 'charts/timeline.png']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Chart'); // chart.js inlined from the installed dependency
  }, 120_000);

  it('gate with thresholds: 1 when the outage breaks --max-failed 0, 0 when nothing fails, 2 when it cannot measure', async () => {
    const port = await startServer();
    const broken = await npx(['gate', '--url', `http://127.0.0.1:${port}/`, '--switch-cmd', outageCmd(port), '--switches', '1', '--interval', '2s', '--connections', '8', '--max-failed', '0', '--junit', 'reports/gate.xml']);
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.stderr).toMatch(/threshold broken: maxFailed/);
    expect(readFileSync(join(project, 'reports/gate.xml'), 'utf8')).toMatch(/<failure type="threshold"/);
    const holds = await npx(['gate', '--url', `http://127.0.0.1:${port}/`, '--duration', '4s', '--connections', '8', '--max-failed', '0']);
    expect(holds.code, holds.stderr).toBe(0);
    const dead = await npx(['gate', '--url', 'http://127.0.0.1:9/', '--duration', '3s', '--max-failed', '0']);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toContain('does not answer');
  }, 120_000);

  it('scenario keepalive-60s on the system nginx: the known-bad reference loses requests at its reloads', async () => {
    const r = await npx(['scenario', 'keepalive-60s', '--switches', '3', '--duration', '8s', '--set', 'load.warmupMs=1s', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.meta.proxy.version).toMatch(/^nginx\//);
    expect(report.analysis.totals.failed).toBeGreaterThan(0);
    for (const d of report.analysis.disruptions) expect(d.crossover.tookEffect).toBe(true);
  }, 120_000);

  it('the example pipelines, their steps as written, against the stand-in staging: GitHub passes with the fix, Jenkins fails the build without it', async () => {
    // GitHub Actions (downtime.yml, your-deploy): the team's checkout holds examples/ci/staging.sh
    const workflow = parse(readFileSync(join(ROOT, '.github/workflows/downtime.yml'), 'utf8')) as { jobs: Record<string, { env: Record<string, string>; steps: { name?: string; run?: string }[] }> };
    const job = workflow.jobs['your-deploy'];
    const checkout = join(work, 'checkout');
    mkdirSync(join(checkout, 'examples/ci'), { recursive: true });
    copyFileSync(join(ROOT, 'examples/ci/staging.sh'), join(checkout, 'examples/ci/staging.sh'));
    let port = await freePorts();
    const ghEnv = { ...job.env, STAGING_PORT: String(port), STAGING_URL: `http://127.0.0.1:${port}/`, STAGING_DIR: join(work, 'staging-gh'), RUNNER_TEMP: work, GITHUB_WORKSPACE: checkout };
    const run = (name: string) => step(job.steps.find((s) => s.name === name)!.run!, checkout, ghEnv);
    const up = await run('Start the stand-in staging');
    expect(up.code, up.out).toBe(0);
    let gate;
    try {
      gate = await run('Downtime gate');
    } finally {
      expect((await run('Stop the stand-in staging')).code).toBe(0);
    }
    expect(gate.code, `${gate.out}\n${switchLog()}`).toBe(0); // Connection: close on every response: no failed request at any deploy
    expect(gate.out).toMatch(/gate: PASS/);
    expect(readFileSync(join(project, 'reports/gate-junit.xml'), 'utf8')).toMatch(/<testsuites[^>]*failures="0"/);
    expect((await run('Index the reports')).code).toBe(0);
    expect(readFileSync(join(project, 'reports/index.html'), 'utf8')).toContain(lastRunOf());
    const lastRun = runDirs().filter((d) => d.endsWith('-measure')).at(-1)!;
    expect(readFileSync(join(project, 'reports', lastRun, 'switch-command.log'), 'utf8')).toMatch(/staging: (blue -> green|green -> blue)/);

    // Jenkins (examples/ci/Jenkinsfile): the workspace is the project, with the package installed
    // (its first stage), and plain keep-alive at the staging: every reload loses requests
    mkdirSync(join(project, 'examples/ci'), { recursive: true });
    copyFileSync(join(ROOT, 'examples/ci/staging.sh'), join(project, 'examples/ci/staging.sh'));
    rmSync(join(project, 'reports'), { recursive: true, force: true });
    const jenkinsfile = readFileSync(join(ROOT, 'examples/ci/Jenkinsfile'), 'utf8');
    port = await freePorts();
    const jEnv = { ...jenkinsEnv(jenkinsfile), STAGING_PORT: String(port), STAGING_URL: `http://127.0.0.1:${port}/`, STAGING_DIR: join(work, 'staging-jenkins'), STAGING_FIX: 'none', WORKSPACE: project };
    const [start] = shSteps(block(jenkinsfile, "stage('Start the stand-in staging')"));
    const [gateSh] = shSteps(block(jenkinsfile, "stage('Downtime gate')"));
    const [down, index] = shSteps(block(block(jenkinsfile, 'post'), 'always'));
    expect((await step(start, project, jEnv)).code).toBe(0);
    let failed;
    try {
      failed = await step(gateSh, project, jEnv);
    } finally {
      expect((await step(down, project, jEnv)).code).toBe(0);
    }
    expect((await step(index, project, jEnv)).code).toBe(0);
    expect(failed.code, `${failed.out}\n${switchLog()}`).toBe(1); // the build fails: requests lost at the reloads
    expect(failed.out).toMatch(/threshold broken: maxFailed/);
    expect(readFileSync(join(project, 'reports/gate-junit.xml'), 'utf8')).toMatch(/<failure type="threshold"/);
    expect(existsSync(join(project, 'reports/index.html'))).toBe(true); // what publishHTML shows
  }, 180_000);
});
