// What a run does to the service while the load runs: blue/green switches for a scenario, or
// injected outages of known length for calibration.
import { nowNs } from '../clock.ts';
import { CannotMeasure } from '../errors.ts';
import { switchSchedule, type Scenario } from '../scenario/schema.ts';
import { otherColour } from '../stack/stack.ts';
import type { TimedEvent } from '../switch/events.ts';
import { performSwitch } from '../switch/switcher.ts';
import { observedDisruptions } from '../analysis/observed.ts';
import { fixtureJson } from '../stack/apps.ts';
import { startStack } from '../stack/drivers.ts';
import { startExternal } from '../stack/external.ts';
import type { Stack } from '../stack/stack.ts';
import { runSwitchCommand, switchCommandOf } from '../switch/command.ts';
import { ActionFailed, runScenario, type PlannedAction, type RunHooks, type RunOutput } from './run.ts';

/**
 * A scenario's run: a stack the harness starts and switches, or a URL it did not start, switched
 * by your command or only watched (then the disruptions it saw are found in the records).
 */
export async function runPlanned(scenario: Scenario, hooks: RunHooks = {}): Promise<RunOutput> {
  if (!scenario.target) return runScenario(scenario, startStack, switchPlan(scenario), hooks);
  const run = await runScenario(scenario, startExternal, commandPlan(scenario), hooks);
  if (scenario.switches.count > 0) return run;
  return { ...run, disruptions: observedDisruptions(run.records, scenario.switches.settleMs) };
}

export function switchPlan(scenario: Scenario): PlannedAction<Stack>[] {
  const { command, files } = switchCommandOf(scenario.switches);
  return switchSchedule(scenario).map((dueMs, i) => ({
    dueMs,
    label: `switch ${i + 1}/${scenario.switches.count}`,
    files,
    async act(stack) {
      const from = stack.live.colour;
      const to = otherColour(from);
      const events: TimedEvent[] = [];
      const disruption = { kind: 'switch' as const, label: `switch ${i + 1}: ${from} → ${to}`, from, to, events };
      try {
        await performSwitch(stack, events, { drainMs: scenario.switches.drainMs, command, closeAroundReload: scenario.switches.closeAroundReload });
      } catch (err) {
        throw new ActionFailed(err as Error, disruption);
      }
      events.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
      return disruption;
    },
  }));
}

export type OutageMode = '503' | 'reset' | 'refuse';

/** Your command as each switch of a system the harness did not start. */
export function commandPlan(scenario: Scenario): PlannedAction[] {
  const { command, files } = switchCommandOf(scenario.switches);
  if (!command) return [];
  return switchSchedule(scenario).map((dueMs, i) => ({
    dueMs,
    label: `switch ${i + 1}/${scenario.switches.count}`,
    files,
    async act() {
      const events: TimedEvent[] = [];
      const disruption = { kind: 'switch' as const, label: `switch ${i + 1}: ${command.command}`, events };
      try {
        events.push({ name: 'switch-command-started', atNs: nowNs() });
        await runSwitchCommand(command, { DOWNTIME_URL: scenario.target!.url, DOWNTIME_SWITCH: String(i + 1) }, `switch ${i + 1}`);
        events.push({ name: 'switch-command-ended', atNs: nowNs() });
      } catch (err) {
        throw new ActionFailed(err as Error, disruption);
      }
      return disruption;
    },
  }));
}

/** Makes the live app fail in `mode` for `ms`; the truth is the app's own record of it. */
export function outageAction(dueMs: number, mode: OutageMode, ms: number): PlannedAction<Stack> {
  return {
    dueMs,
    label: `outage ${mode} ${ms} ms`,
    async act(stack) {
      const port = stack.live.port;
      // The horizon opens when the harness asks, so requests already on their way to the app
      // when it starts failing belong to the outage, not to the background.
      const requestedNs = nowNs();
      const { id } = (await fixtureJson(port, `/__outage?mode=${mode}&ms=${ms}`, 'POST')) as { id: number };
      // Ask for the truth once the outage is over (a refusing app cannot answer before).
      for (let waited = 0; ; waited += 10) {
        await new Promise((r) => setTimeout(r, waited === 0 ? ms : 10));
        const outages = (await fixtureJson(port, '/__outages', 'GET').catch(() => [])) as { startNs: string; endNs: string | null }[];
        const o = outages[id];
        if (o?.endNs) {
          return {
            kind: 'outage',
            label: `outage ${mode} ${ms} ms`,
            events: [
              { name: 'outage-requested', atNs: requestedNs },
              { name: 'outage-start', atNs: BigInt(o.startNs) },
              { name: 'outage-end', atNs: BigInt(o.endNs) },
            ],
          };
        }
        if (waited > 10_000) throw new CannotMeasure(`the app did not end its ${mode} outage within 10 s`);
      }
    },
  };
}
