// The gate's contract with CI, on a real nginx: exit 0 when every threshold holds, 1 when one is
// broken (named, with its figure and limit), 2 when the harness could not measure; nothing left
// running. Runs are short (2 switches in 5 s) to keep the whole file near half a minute.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineEntry, withEntry } from '../../harness/gate/baseline.ts';
import { harnessProcesses, startScript } from './helpers.ts';

const quick = ['--duration', '5s', '--switches', '2', '--set', 'load.warmupMs=1s', '--set', 'load.cooldownMs=1.5s'];
const tmp = () => mkdtempSync(join(tmpdir(), 'downtime-gate-test-'));

/** `npm run gate -- ...args` the way npm runs it; CI set, as on a runner. */
const startGate = (args: string[], env: NodeJS.ProcessEnv = {}) => startScript('harness/cli/gate.ts', args, { GITHUB_STEP_SUMMARY: '', ...env });
const runGate = (args: string[], env?: NodeJS.ProcessEnv) => startGate(args, env).result;

afterEach(() => {
  expect(harnessProcesses()).toEqual([]);
});

describe('gate CLI', () => {
  it('connection-close --max-failed 0 --repeat 2: exit 0, JUnit, Markdown, step summary, a run directory per repeat', async () => {
    const dir = tmp();
    const out = join(dir, 'reports');
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await runGate(
      ['connection-close', '--max-failed', '0', '--repeat', '2', ...quick, '--out', out, '--junit', join(dir, 'gate.xml'), '--markdown', join(dir, 'gate.md'), '--save-baseline'],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.stderr).not.toContain('gate:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/connection-close repeat 1\/2: 0 failed \(0 background\)/);
    expect(r.stdout).toMatch(/connection-close repeat 2\/2: 0 failed/);
    expect(r.stdout).toContain('ok   maxFailed: failed requests per run (max over 2 repeats) = 0, limit <= 0');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(`gate: PASS, baseline saved to ${join(out, 'baselines', 'connection-close.json')} (exit 0)`);
    expect(r.stdout).not.toContain('\r'); // no progress animation under CI

    const runs = readdirSync(out).filter((d) => d.endsWith('-connection-close')).sort();
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(existsSync(join(out, run, 'report.json'))).toBe(true);
    // the report's timeline PNG, where the run directory has one, is linked from the summary
    const png = join(out, runs[0], 'charts', 'timeline.png');

    const xml = readFileSync(join(dir, 'gate.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ failures: '0', errors: '0', tests: '3' });
    const md = readFileSync(join(dir, 'gate.md'), 'utf8');
    expect(md).toContain('## Downtime gate: ✅ PASS');
    // links in gate.md are relative to gate.md, so they open from the file; the step summary keeps the run's own paths
    const stepSummary = readFileSync(summary, 'utf8');
    expect(stepSummary.startsWith('# earlier step\n## Downtime gate: ✅ PASS')).toBe(true);
    if (existsSync(png)) {
      expect(md).toContain(`[timeline](${encodeURI(relative(dir, png))})`);
      expect(stepSummary).toContain(`[timeline](${encodeURI(png)})`);
    }
    const baseline = JSON.parse(readFileSync(join(out, 'baselines', 'connection-close.json'), 'utf8'));
    expect(baseline.scenarios['connection-close'].figures.failed).toMatchObject({ count: 2, max: 0 });
  });

  it('keepalive-60s --max-failed 0 (its own minFailed lifted): exit 1, names the threshold, its figure and limit, and the regressed baseline figure', async () => {
    const dir = tmp();
    // A hand-made baseline in which keepalive-60s lost nothing: today's failures are a regression.
    const zero = (v: number) => [{ failed: [v], failedPerSwitch: [], errorWindowMs: [], maxGapMs: [], excessGapMs: [], backgroundFailures: [], okPerSecond: [], p99LatencyMs: [] }];
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify(withEntry(null, 'keepalive-60s', baselineEntry(zero(0), [], 'x'))));
    // 5 switches: about 1 keep-alive switch in 9 loses nothing here; with 3, all of them losing
    // nothing happened once on a crowded machine, so the run had nothing to fail on. 5: ~1 in 60,000
    // (7 s, so they are 900 ms apart rather than the 500 ms minimum).
    const r = await runGate(['keepalive-60s', '--max-failed', '0', '--set', 'expect.minFailed=0', ...quick, '--switches', '5', '--duration', '7s', '--out', join(dir, 'reports'), '--baseline', join(dir, 'baseline.json'), '--junit', join(dir, 'gate.xml')]);
    expect(r.code).toBe(1);
    const failed = Number(/keepalive-60s repeat 1\/1: (\d+) failed/.exec(r.stdout)![1]);
    expect(failed).toBeGreaterThan(0);
    expect(r.stderr).toContain(`gate: keepalive-60s: threshold broken: maxFailed: failed requests per run (max over 1 repeat) = ${failed}, limit <= 0; broken in 1 of 1 repeats`);
    expect(r.stderr).toContain(`gate: keepalive-60s: baseline regression: failed (median): ${failed} against baseline 0`);
    expect(r.stdout).toContain('known-bad reference');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('gate: FAIL (exit 1)');
    const xml = readFileSync(join(dir, 'gate.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain(`<failure type="threshold" message="maxFailed: failed requests per run (max over 1 repeat) = ${failed}, limit &lt;= 0`);
  });

  it('a bad scenario, a bad threshold, a missing baseline: exit 2 before anything runs', async () => {
    const unknown = await runGate(['keepalive-6s', '--max-failed', '0']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "keepalive-6s"');
    // a gate that could never pass: the flag against the known-bad reference's own minFailed ≥ 1
    const never = await runGate(['keepalive-60s', '--max-failed', '0']);
    expect(never.code).toBe(2);
    expect(never.stderr).toContain('thresholds that contradict each other: maxFailed ≤ 0 (given on the command line) and minFailed ≥ 1 (the scenario\'s own)');
    const bad = await runGate(['connection-close', '--set', 'expect.maxGapMs={"limit":5,"stat":"p99"}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expect.maxGapMs.stat: expected one of max, min, median, mean, p95');
    const none = await runGate(['tuned-3s-1s']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('tuned-3s-1s declares no thresholds');
    const baseline = await runGate(['connection-close', '--baseline', '/nonexistent/baseline.json']);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toContain('--baseline /nonexistent/baseline.json: no such file');
  });

  it('a switch that does not take effect: exit 2 (could not measure), never a pass, whatever the thresholds say', async () => {
    const dir = tmp();
    const r = await runGate([
      'connection-close', '--repeat', '3', '--max-failed', '1000', ...quick, '--out', join(dir, 'reports'), '--json',
      '--set', 'proxy.extraLocation=["set $service_url http://blue;"]',
    ]);
    expect(r.code).toBe(2);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ verdict: 'unmeasured', exitCode: 2 });
    expect(result.scenarios[0].repeats).toHaveLength(1); // it stops at the first repeat that cannot measure
    expect(result.scenarios[0].unmeasured[0]).toContain('switch 1: blue → green did not take effect');
    expect(r.stderr).toContain('could not measure');
  });

  it('Ctrl-C: stops every process and exits 130', async () => {
    const { child, result } = startGate(['keepalive-60s', '--repeat', '3', ...quick, '--out', join(tmp(), 'reports')]);
    const deadline = Date.now() + 20_000;
    while (harnessProcesses().filter((p) => p.includes('nginx: worker')).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('stopped by a signal');
  });
});
