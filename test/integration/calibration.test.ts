// The meter against outages of known length, through a real nginx (MEASUREMENT.md,
// "Calibration"): errorWindowMs and maxGapMs must match the truth within max(2 ms, 5 %).
import { describe, expect, it } from 'vitest';
import { calibrate, tolerance } from '../../harness/run/calibration.ts';
import { harnessProcesses } from './helpers.ts';

describe('calibration', () => {
  for (const mode of ['503', 'reset', 'refuse'] as const) {
    it(`measures a 200 ms ${mode} outage within max(2 ms, 5 %)`, async () => {
      const { run, rows } = await calibrate(mode, [200]);
      expect(run.meta.error).toBeNull();
      const [row] = rows;
      expect(row.failedRequests).toBeGreaterThan(10);
      expect(Math.abs(row.truthMs - 200)).toBeLessThan(mode === 'refuse' ? 20 : 0.01);
      expect(Math.abs(row.errorWindowMs - row.truthMs)).toBeLessThanOrEqual(tolerance(row.truthMs));
      expect(Math.abs(row.maxGapMs - row.truthMs)).toBeLessThanOrEqual(tolerance(row.truthMs));
      expect(harnessProcesses()).toEqual([]);
    });
  }
});
