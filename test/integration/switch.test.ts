// The seed's story against a real nginx: keep-alive loses requests at every reload,
// Connection: close loses none, every switch takes effect, and nothing is left running.
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecords } from '../../harness/records/file.ts';
import { analyzeRun } from '../../harness/run/store.ts';
import { SWITCH_EVENTS } from '../../harness/switch/events.ts';
import { measureScenario, type TestRun } from './helpers.ts';

const SHORT: TestRun = { duration: '7s', switches: 4, cooldown: '1.5s' };

describe('switching behind a real nginx', () => {
  it('keepalive-60s: reloads fail requests on reused connections, and every switch takes effect', async () => {
    const { run, a } = await measureScenario('keepalive-60s', SHORT);
    expect(a.totals.requests).toBeGreaterThan(5000);
    expect(a.totals.failed).toBeGreaterThan(0);
    const codes = Object.keys(a.totals.byCode);
    expect(codes.every((c) => ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(c))).toBe(true);
    expect(a.totals.failedOnReused).toBe(a.totals.failed);
    expect(a.totals.backgroundFailures).toBe(0);
    expect(a.disruptions).toHaveLength(4);
    expect(a.disruptions.map((d) => d.crossover?.tookEffect)).toEqual([true, true, true, true]);
    expect(a.disruptions.map((d) => [d.crossover?.from, d.crossover?.to])).toEqual([
      ['blue', 'green'],
      ['green', 'blue'],
      ['blue', 'green'],
      ['green', 'blue'],
    ]);
    // Every switch's full timeline, in the order a deploy job produces it.
    for (const d of run.disruptions) {
      expect(d.events.map((e) => e.name).sort()).toEqual([...SWITCH_EVENTS].sort());
      const at = Object.fromEntries(d.events.map((e) => [e.name, e.atUs]));
      expect(at['new-colour-healthy']).toBeLessThanOrEqual(at['upstream-written']);
      expect(at['config-tested']).toBeLessThanOrEqual(at['reload-signalled']);
      expect(at['reload-signalled']).toBeLessThanOrEqual(at['new-workers-up']);
      expect(at['old-colour-stopping']).toBeLessThanOrEqual(at['old-colour-exited']);
    }
    expect(run.proxyFiles['nginx.conf']).toContain('keepalive_timeout 60s;');
    // What records.bin keeps is enough to get the same figures again.
    const stored = decodeRecords(encodeRecords(run.records));
    expect(analyzeRun(stored, run.disruptions, run.scenario, run.loadStalls, run.hiddenFailures)).toEqual(a);
  });

  it('connection-close: the same switches lose nothing', async () => {
    const { a } = await measureScenario('connection-close', SHORT);
    expect(a.totals.requests).toBeGreaterThan(1000);
    expect(a.totals.failed).toBe(0);
    expect(a.totals.connections).toBe(a.totals.requests); // a new connection per request
    expect(a.disruptions.every((d) => d.crossover?.tookEffect)).toBe(true);
  });
});
