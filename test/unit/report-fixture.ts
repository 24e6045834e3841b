// A small synthetic run in the stored run format (no nginx): steady traffic on 8 connections,
// one blue → green switch at 1.5 s whose old workers drop 6 requests and leave a 12 ms gap.
import type { Disruption } from '../../harness/analysis/types.ts';
import { OUTCOME, recordSetOf, type RecordInput } from '../../harness/records/records.ts';
import type { RunOutput } from '../../harness/run/run.ts';
import { analyzeRun } from '../../harness/run/store.ts';
import { resolveScenario, type Override } from '../../harness/scenario/resolve.ts';
import { buildReport, type Report } from '../../harness/stored/report.ts';

export const SWITCH_AT_MS = 1500;
export const GAP = { fromMs: 1610, toMs: 1622 };

export function syntheticRun(): RunOutput {
  const rows: RecordInput[] = [];
  for (let t = 0; t < 3000_000; t += 250) {
    const ms = t / 1000;
    if (ms >= GAP.fromMs && ms < GAP.toMs) continue; // nothing completes in the gap
    rows.push({ start: t, end: t + 200, outcome: OUTCOME.ok, status: 200, errorCode: '', conn: (t / 250) % 8, reused: true, colour: ms + 0.2 < GAP.fromMs ? 1 : 2 });
  }
  for (let k = 0; k < 6; k++) {
    const start = (GAP.fromMs - 3 + k) * 1000;
    rows.push({ start, end: start + 2500, outcome: OUTCOME.transportError, status: 0, errorCode: k % 2 ? 'ECONNRESET' : 'UND_ERR_SOCKET', conn: k, reused: true, colour: 0 });
  }
  rows.sort((a, b) => a.end - b.end);
  const ev = (name: string, ms: number) => ({ name, atUs: ms * 1000 });
  const disruptions: Disruption[] = [
    {
      kind: 'switch',
      label: 'switch 1: blue → green',
      from: 'blue',
      to: 'green',
      events: [
        ev('new-colour-started', SWITCH_AT_MS - 60),
        ev('new-colour-healthy', SWITCH_AT_MS - 50),
        ev('upstream-written', SWITCH_AT_MS - 30),
        ev('config-tested', SWITCH_AT_MS - 10),
        ev('reload-signalled', SWITCH_AT_MS),
        ev('new-workers-up', SWITCH_AT_MS + 4),
        ev('old-workers-gone', GAP.fromMs + 2),
        ev('old-colour-stopping', SWITCH_AT_MS + 500),
        ev('old-colour-exited', SWITCH_AT_MS + 510),
      ],
    },
  ];
  const scenario = resolveScenario('keepalive-60s', [
    { path: 'load.durationMs', value: '3s' },
    { path: 'switches.count', value: 1 },
    { path: 'load.warmupMs', value: '500ms' },
    { path: 'load.cooldownMs', value: '1.2s' },
  ]);
  return {
    scenario,
    meta: {
      startedAt: '2026-11-24T12:00:00.000Z',
      proxy: { kind: 'nginx', version: 'nginx/1.22.1' },
      node: process.version,
      machine: { hostname: 'test', platform: 'linux', release: 'test', cpus: 2, cpuModel: 'test' },
      loadThreads: 1,
      network: null,
      aborted: false,
      error: null,
    },
    records: recordSetOf(rows),
    loadStalls: [{ thread: 0, atUs: 1_500_000, lengthUs: 1200 }],
    disruptions,
    proxyFiles: { 'nginx.conf': 'events {}\n', 'service-url.inc': 'set $service_url http://127.0.0.1:1;\n' },
  };
}

/** The synthetic run as another scenario (same length and single switch), with overrides, then changed. */
export function syntheticRunAs(name: string, overrides: Override[] = [], change: (run: RunOutput) => void = () => {}): RunOutput {
  const run = syntheticRun();
  const s = run.scenario;
  run.scenario = resolveScenario(name, [
    { path: 'load.durationMs', value: s.load.durationMs },
    { path: 'switches.count', value: 1 },
    { path: 'load.warmupMs', value: s.load.warmupMs },
    { path: 'load.cooldownMs', value: s.load.cooldownMs },
    ...overrides,
  ]);
  change(run);
  return run;
}

/** A run's report as buildReport makes it from the run's records and switches. */
export const reportOfRun = (run: RunOutput): Report => buildReport(run.meta, run.scenario, analyzeRun(run.records, run.disruptions, run.scenario));

/** The synthetic run (6 failed requests at its switch) as `name` with overrides, as a report. */
export const reportOf = (name = 'keepalive-60s', overrides: Override[] = [], change: (run: RunOutput) => void = () => {}): Report =>
  reportOfRun(syntheticRunAs(name, overrides, change));
