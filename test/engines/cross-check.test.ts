// npm run calibrate -- --cross-check, for real: the harness's load and an independent client in
// turn against the same nginx and the same 10 reloads (docs/ACCURACY.md). One pair per reference
// here (the command's default is 3): the whole path runs (stack, switches, the reference's own
// process and records, the comparison), and both clients see the reload race the seed is about.
// In the engines tier for its length (4 runs of 14 s), not for an engine.
import { describe, expect, it } from 'vitest';
import type { CrossCheck } from '../../harness/run/cross-check.ts';
import { harnessProcesses, startScript } from '../integration/helpers.ts';

async function crossCheck(...args: string[]): Promise<CrossCheck> {
  const { code, stdout, stderr } = await startScript('harness/cli/calibrate.ts', ['--cross-check', '--pairs', '1', '--json', ...args]).result;
  // 0 agree, 1 disagree: either is a measurement; 2 is not
  expect([0, 1], stderr).toContain(code);
  return JSON.parse(stdout) as CrossCheck;
}

function expectBothMeasured(c: CrossCheck): void {
  const seen = JSON.stringify(c.runs);
  expect(c.runs.map((r) => r.client), seen).toEqual(['harness', c.reference]);
  for (const run of c.runs) {
    expect(run.error, seen).toBeNull();
    expect(run.switches, seen).toBe(10);
    expect(run.requests, seen).toBeGreaterThan(10_000);
    // keep-alive through plain reloads: an independent client loses requests too
    expect(run.failedPerSwitch, seen).toBeGreaterThan(0);
  }
  expect(c.agrees).toBe(Math.abs(c.harness - c.referenceFailed) <= c.bound);
  expect(harnessProcesses()).toEqual([]);
}

describe('calibrate --cross-check', () => {
  it('against wrk in the closed loop (keepalive-60s): both measured, every request accounted for', async () => {
    const c = await crossCheck('--reference', 'wrk');
    expect(c).toMatchObject({ reference: 'wrk', scenario: 'keepalive-60s', model: 'closed', connections: 32, delayMs: 0 });
    expectBothMeasured(c);
  }, 120_000);

  it('against undici clients in the open model (idle-clients) through the delay line', async () => {
    const c = await crossCheck('--delay', '5ms');
    expect(c).toMatchObject({ reference: 'undici', scenario: 'idle-clients', model: 'open', connections: 200, rate: 2000, delayMs: 5 });
    expectBothMeasured(c);
  }, 120_000);
});
