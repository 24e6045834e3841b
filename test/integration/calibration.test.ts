// The meter against outages of known length, through a real nginx (MEASUREMENT.md,
// "Calibration"): errorWindowMs and maxGapMs must match the truth within max(2 ms, 5 %).
import { describe, expect, it } from 'vitest';
import { calibrate, tolerance } from '../../harness/run/calibration.ts';
import { harnessProcesses } from './helpers.ts';

describe('calibration', () => {
  for (const mode of ['503', 'reset', 'refuse'] as const) {
    it(`measures a 200 ms ${mode} outage within max(2 ms, 5 %)`, async () => {
      const { run, rows, backgroundFailures } = await calibrate(mode, [200]);
      expect(run.meta.error).toBeNull();
      expect(backgroundFailures).toBe(0);
      const [row] = rows;
      expect(row.failedRequests).toBeGreaterThan(10);
      // A refusing app's outage ends when its port is bound again: a little after the plan.
      if (mode === 'refuse') expect(row.truthMs - 200).toBeLessThan(20);
      expect(Math.abs(row.errorWindowMs - row.truthMs)).toBeLessThanOrEqual(tolerance(row.truthMs));
      expect(Math.abs(row.maxGapMs - row.truthMs)).toBeLessThanOrEqual(tolerance(row.truthMs));
      expect(harnessProcesses()).toEqual([]);
    });
  }
});
