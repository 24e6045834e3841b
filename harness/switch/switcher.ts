// One blue/green switch, exactly as a CI job does it: start the idle colour, wait until it is
// healthy, rewrite the upstream include, test the config, reload, wait the drain time, stop
// the old colour. Runs on the orchestrator's thread, never the load thread.
import { nowNs } from '../clock.ts';
import type { Colour } from '../records/records.ts';
import { otherColour, type Stack } from '../stack/stack.ts';
import type { SwitchEventName, TimedEvent } from './events.ts';

export interface SwitchResult {
  from: Colour;
  to: Colour;
  events: TimedEvent[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long to keep watching for old workers to exit before giving up on that event. */
const WORKER_WATCH_LIMIT_MS = 60_000;
const WORKER_POLL_MS = 2;

export async function performSwitch(stack: Stack, drainMs: number): Promise<SwitchResult> {
  const events: TimedEvent[] = [];
  const mark = (name: SwitchEventName) => events.push({ name, atNs: nowNs() });
  const old = stack.live;
  const to = otherColour(old.colour);

  const next = await stack.startApp(to);
  mark('new-colour-started');
  await next.healthy();
  mark('new-colour-healthy');
  const oldWorkers = await stack.proxy.workers();
  await stack.proxy.writeUpstream(next.colour);
  mark('upstream-written');
  await stack.proxy.test();
  mark('config-tested');
  await stack.proxy.reload();
  mark('reload-signalled');
  const reloadedAt = performance.now();
  stack.live = next;

  const watching = watchWorkers(stack, oldWorkers, mark);
  await sleep(Math.max(0, drainMs - (performance.now() - reloadedAt)));
  mark('old-colour-stopping');
  await old.stop();
  mark('old-colour-exited');
  await watching;
  events.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
  return { from: old.colour, to, events };
}

/** Observes the master's children: new generation up, old generation gone. */
async function watchWorkers(stack: Stack, oldWorkers: number[], mark: (n: SwitchEventName) => void): Promise<void> {
  const old = new Set(oldWorkers);
  const deadline = performance.now() + WORKER_WATCH_LIMIT_MS;
  let upSeen = false;
  while (performance.now() < deadline) {
    const now = await stack.proxy.workers();
    if (!upSeen && now.filter((p) => !old.has(p)).length >= Math.max(1, old.size)) {
      mark('new-workers-up');
      upSeen = true;
    }
    if (!now.some((p) => old.has(p))) {
      mark('old-workers-gone');
      return;
    }
    await sleep(WORKER_POLL_MS);
  }
}
