// The cross-check: the harness's load against an independent reference client, same stack, same
// shape, same switches, runs interleaved (ours, reference, ours, …) so a drift of the machine
// falls on both. The references: undici clients for the open model (idle-clients: 2,000 req/s
// over 200 connections), wrk for the closed loop (keepalive-60s: 32 connections, saturating), and
// each real-client driver (reference/drivers/) at the shape it declares. The figure compared is
// failed requests per switch; they agree when the medians are within max(2 failures per switch,
// 25 %) of the reference's (docs/ACCURACY.md).
import { OUTCOME, type RecordSet } from '../records/records.ts';
import type { RunningLoad } from '../load/generator.ts';
import type { LoadOptions } from '../load/messages.ts';
import { driverVersion, notInstalled, startDriverLoad } from '../reference/driver.ts';
import { CannotMeasure } from '../errors.ts';
import { DRIVERS } from '../reference/drivers/index.ts';
import { startWrkLoad, wrkVersion } from '../reference/wrk-load.ts';
import { resolveScenario, type Override } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { startStack } from '../stack/drivers.ts';
import { switchPlan } from './plans.ts';
import { runScenario, type RunHooks } from './run.ts';

export const agreementBound = (reference: number) => Math.max(2, reference * 0.25);

interface ReferenceClient {
  /** the shape it is checked at */
  scenario: string;
  overrides?: Override[];
  start: (o: LoadOptions) => Promise<RunningLoad>;
  /** why it cannot run here (not installed, and how to install it), or null */
  missing?: () => Promise<string | null>;
}

/** the independent clients, by name */
export const REFERENCES: Readonly<Record<string, ReferenceClient>> = {
  ...Object.fromEntries(
    DRIVERS.map((d): [string, ReferenceClient] => [
      d.name,
      { ...d.crossCheck, start: (o) => startDriverLoad(d, o), missing: async () => ((await driverVersion(d)) ? null : notInstalled(d)) },
    ]),
  ),
  wrk: { scenario: 'keepalive-60s', start: startWrkLoad, missing: () => wrkVersion().then(() => null, (err: Error) => err.message) },
};
export type Reference = string;

export interface CrossCheckRun {
  client: 'harness' | Reference;
  pair: number;
  switches: number;
  requests: number;
  failed: number;
  failedPerSwitch: number;
  /** the run's error, if it ended early (its figure is not used) */
  error: string | null;
}

export interface CrossCheck {
  reference: Reference;
  scenario: string;
  delayMs: number;
  model: Scenario['load']['model'];
  rate: number;
  connections: number;
  runs: CrossCheckRun[];
  /** median failed per switch of each client's complete runs */
  harness: number;
  referenceFailed: number;
  bound: number;
  agrees: boolean;
}

export interface CrossCheckOptions {
  reference: Reference;
  pairs: number;
  switches: number;
  /** ms between switches */
  spacingMs: number;
  /** added each way by the delay line (0: loopback) */
  delayMs: number;
  overrides?: Override[];
}

/** The reference's shape, `switches` reloads `spacingMs` apart. */
export function crossCheckScenario(o: CrossCheckOptions): Scenario {
  const warmupMs = 2000;
  const cooldownMs = 2000;
  const reference = REFERENCES[o.reference];
  const scenario = resolveScenario(reference.scenario, [
    ...(reference.overrides ?? []),
    { path: 'switches.count', value: o.switches },
    { path: 'load.warmupMs', value: warmupMs },
    { path: 'load.cooldownMs', value: cooldownMs },
    { path: 'load.durationMs', value: warmupMs + o.switches * o.spacingMs + cooldownMs },
    { path: 'network.delayMs', value: o.delayMs },
    ...(o.overrides ?? []),
  ]);
  if (scenario.load.model === 'shape') throw new CannotMeasure('load.model shape: no reference client replays a traffic shape; cross-check the closed loop or the open model');
  return scenario;
}

const failedIn = (records: RecordSet) => {
  let n = 0;
  for (let i = 0; i < records.count; i++) if (records.outcome[i] !== OUTCOME.ok) n++;
  return n;
};

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function crossCheck(o: CrossCheckOptions, hooks: RunHooks & { onRun?: (run: CrossCheckRun) => void } = {}): Promise<CrossCheck> {
  const missing = await REFERENCES[o.reference].missing?.();
  if (missing) throw new CannotMeasure(missing);
  const scenario = crossCheckScenario(o);
  const runs: CrossCheckRun[] = [];
  for (let pair = 1; pair <= o.pairs && !hooks.signal?.aborted; pair++) {
    for (const client of ['harness', o.reference] as const) {
      if (hooks.signal?.aborted) break;
      const run = await runScenario(scenario, startStack, switchPlan(scenario), {
        ...hooks,
        startLoad: client === 'harness' ? undefined : REFERENCES[client].start,
      });
      const failed = failedIn(run.records);
      const switches = run.disruptions.length;
      const row: CrossCheckRun = {
        client,
        pair,
        switches,
        requests: run.records.count,
        failed,
        failedPerSwitch: switches > 0 ? failed / switches : NaN,
        error: run.meta.error ?? (switches < o.switches ? `${switches} of ${o.switches} switches ran` : null),
      };
      runs.push(row);
      hooks.onRun?.(row);
    }
  }
  const of = (client: CrossCheckRun['client']) => median(runs.filter((r) => r.client === client && !r.error).map((r) => r.failedPerSwitch));
  const harness = of('harness');
  const reference = of(o.reference);
  const bound = agreementBound(reference);
  return {
    reference: o.reference,
    scenario: scenario.name,
    delayMs: o.delayMs,
    model: scenario.load.model,
    rate: scenario.load.rate ?? 0,
    connections: scenario.load.connections,
    runs,
    harness,
    referenceFailed: reference,
    bound,
    agrees: Math.abs(harness - reference) <= bound,
  };
}
