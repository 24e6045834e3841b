// What a run does to the service while the load runs: blue/green switches for a scenario, or
// injected outages of known length for calibration.
import { request } from 'node:http';
import { CannotMeasure } from '../errors.ts';
import { switchSchedule, type Scenario } from '../scenario/schema.ts';
import { performSwitch } from '../switch/switcher.ts';
import type { PlannedAction } from './run.ts';

export function switchPlan(scenario: Scenario): PlannedAction[] {
  return switchSchedule(scenario).map((dueMs, i) => ({
    dueMs,
    label: `switch ${i + 1}/${scenario.switches.count}`,
    async act(stack) {
      const s = await performSwitch(stack, scenario.switches.drainMs);
      return { kind: 'switch', label: `switch ${i + 1}: ${s.from} → ${s.to}`, from: s.from, to: s.to, events: s.events };
    },
  }));
}

export type OutageMode = '503' | 'reset' | 'refuse';

/** Asks the live app to fail in `mode` for `ms`; the truth is the app's own start/end times. */
export function outageAction(dueMs: number, mode: OutageMode, ms: number): PlannedAction {
  return {
    dueMs,
    label: `outage ${mode} ${ms} ms`,
    async act(stack) {
      const answer = await postJson(stack.live.port, `/__outage?mode=${mode}&ms=${ms}`);
      const { startNs, endNs } = answer as { startNs: string; endNs: string };
      return {
        kind: 'outage',
        label: `outage ${mode} ${ms} ms`,
        events: [
          { name: 'outage-start', atNs: BigInt(startNs) },
          { name: 'outage-end', atNs: BigInt(endNs) },
        ],
      };
    },
  };
}

function postJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new CannotMeasure(`outage request refused: ${body}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
