// One blue/green switch, exactly as a CI job does it: start the idle colour, wait until it is
// healthy, rewrite the upstream include, test the config, reload, wait the drain time, stop
// the old colour. Runs on the orchestrator's thread, never the load thread.
import { nowNs } from '../clock.ts';
import { otherColour, type Stack } from '../stack/stack.ts';
import type { SwitchEventName, TimedEvent } from './events.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long to keep watching for old workers to exit before giving up on that event. */
const WORKER_WATCH_LIMIT_MS = 60_000;
const WORKER_POLL_MS = 5;

/**
 * `events` is the caller's: a switch that fails halfway leaves there what it did, so its
 * failures still have a horizon to belong to.
 */
export async function performSwitch(stack: Stack, drainMs: number, events: TimedEvent[]): Promise<void> {
  const mark = (name: SwitchEventName, atNs?: bigint | void) => events.push({ name, atNs: atNs ?? nowNs() });
  const old = stack.live;
  const to = otherColour(old.colour);

  const next = await stack.startApp(to);
  mark('new-colour-started');
  await next.healthy();
  mark('new-colour-healthy');
  const oldWorkers = await stack.proxy.workers();
  await stack.proxy.writeUpstream(next.colour);
  mark('upstream-written');
  mark('config-tested', await stack.proxy.test());
  mark('reload-signalled', await stack.proxy.reload());
  const reloadedAt = performance.now();
  stack.live = next;

  // Settled at once, so a failing watch cannot become an unhandled rejection during the drain.
  const watching = watchWorkers(stack, oldWorkers, mark).then(
    () => null,
    (err: Error) => err,
  );
  await sleep(Math.max(0, drainMs - (performance.now() - reloadedAt)));
  mark('old-colour-stopping');
  await old.stop();
  mark('old-colour-exited');
  const watchError = await watching;
  if (watchError) throw watchError;
}

/**
 * Observes the master's children: new generation up, old generation gone. "Gone" asks about
 * each old pid itself: the master's children list can briefly omit live children while
 * others exit, which is exactly what happens during a reload.
 */
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
    const alive = await Promise.all([...old].map((pid) => stack.proxy.isWorker(pid)));
    if (!alive.includes(true)) {
      mark('old-workers-gone');
      return;
    }
    await sleep(WORKER_POLL_MS);
  }
}
