// The harness's own image (docs/INSTALL.md), built as `npm run harness-image` builds it, and run as
// a CI job would: `docker run --network host -v reports:/work/reports downtime-harness measure
// --url … --switch-cmd …` against a server on this machine, and `gate` with a threshold. Needs a
// running engine; skipped without one outside CI, failing under CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tolerance } from '../../harness/run/calibration.ts';
import { buildHarnessImage, HARNESS_IMAGE } from '../../scripts/harness-image.ts';
import { firstOutage, outputOf, ROOT } from '../integration/helpers.ts';

const engineUp = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).status === 0;
const TAG = `${HARNESS_IMAGE}-test`;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let reports: string;
let server: ChildProcess;
let port: number;

/** `docker run` of the image with the reports folder mounted; resolves with what it printed. */
const run = (args: string[]) =>
  outputOf(spawn('docker', ['run', '--rm', '--network', 'host', '-v', `${reports}:/work/reports`, TAG, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));

describe.skipIf(!engineUp && !process.env.CI)('the harness image', () => {
  beforeAll(async () => {
    expect(engineUp, 'no Docker engine: run `npm run setup -- --with-docker`').toBe(true);
    const t0 = Date.now();
    const { bytes } = await buildHarnessImage(TAG);
    console.log(`${TAG}: ${(bytes / 1e6).toFixed(0)} MB, built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    reports = mkdtempSync(join(tmpdir(), 'downtime-image-reports-'));
    server = spawn(process.execPath, [join(ROOT, 'harness/stack/fixture/app.mjs'), '--colour', 'blue', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve) => server.stdout!.once('data', (d) => resolve(JSON.parse(String(d).split('\n')[0]).listening)));
  }, 900_000);

  afterAll(async () => {
    if (server && server.exitCode === null) await new Promise((r) => server.once('exit', r).kill('SIGTERM'));
    if (reports) rmSync(reports, { recursive: true, force: true });
    spawnSync('docker', ['image', 'rm', TAG, `${TAG}:${version}`], { stdio: 'ignore' });
  });

  it('its entry point is the CLI: --version', async () => {
    const r = await run(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  }, 60_000);

  it('measure from the image: an outage of known length on this machine, the run directory in the mounted folder', async () => {
    const outage = `curl -sf -X POST 'http://127.0.0.1:${port}/__outage?mode=503&ms=300'`; // curl is in the image
    const r = await run(['measure', '--url', `http://127.0.0.1:${port}/`, '--switch-cmd', outage, '--switches', '1', '--interval', '2s', '--connections', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { outageMs: truthMs } = await firstOutage(port);
    const [d] = JSON.parse(r.stdout).analysis.disruptions;
    expect(d.failedRequests).toBeGreaterThan(0);
    expect(Math.abs(d.errorWindowMs - truthMs), `errorWindow ${d.errorWindowMs} ms against the outage's ${truthMs}; load stall ${d.loadStallMs} ms`).toBeLessThanOrEqual(
      tolerance(truthMs) + d.loadStallMs,
    );
    const dirs = readdirSync(reports).filter((f) => f.endsWith('-measure'));
    expect(dirs).toHaveLength(1);
    for (const f of ['report.json', 'report.html', 'summary.txt', 'switch-command.log']) expect(existsSync(join(reports, dirs[0], f)), f).toBe(true);
  }, 120_000);

  it('gate from the image: exit 1 on a broken threshold, with the JUnit file in the mounted folder', async () => {
    const outage = `curl -sf -X POST 'http://127.0.0.1:${port}/__outage?mode=503&ms=200'`;
    const r = await run(['gate', '--url', `http://127.0.0.1:${port}/`, '--switch-cmd', outage, '--switches', '1', '--interval', '2s', '--connections', '8', '--max-failed', '0', '--junit', 'reports/gate.xml']);
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(join(reports, 'gate.xml'), 'utf8')).toMatch(/<failure type="threshold"/);
  }, 120_000);
});
