// One blue/green switch, exactly as a CI job does it: start the idle colour, wait until it is
// healthy, rewrite the upstream include, test the config, reload, wait the drain time, stop
// the old colour. Optionally, the seed author's "close only around the reload": for a moment
// before and after the reload every response says `Connection: close`. Runs on the
// orchestrator's thread, never the load thread.
import { nowNs } from '../clock.ts';
import { otherColour, type Stack } from '../stack/stack.ts';
import type { Colour } from '../records/records.ts';
import { runSwitchCommand, type SwitchCommand } from './command.ts';
import type { SwitchEventName, TimedEvent } from './events.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long to keep watching for old workers to exit before giving up on that event. */
const WORKER_WATCH_LIMIT_MS = 60_000;
const WORKER_POLL_MS = 5;
/** How long the drain waits for a reload's new workers before it starts anyway. */
const RELOAD_EFFECT_LIMIT_MS = 3_000;

/**
 * `events` is the caller's: a switch that fails halfway leaves there what it did, so its
 * failures still have a horizon to belong to.
 */
export interface SwitchOptions {
  /** time from the reload to stopping the old colour */
  drainMs: number;
  /** your deploy step in place of rewrite + test + reload */
  command?: SwitchCommand;
  /** answer `Connection: close` from this long before the reload until this long after it */
  closeAroundReload?: { beforeMs: number; afterMs: number };
}

export async function performSwitch(stack: Stack, events: TimedEvent[], options: SwitchOptions): Promise<void> {
  const { drainMs, command, closeAroundReload: close } = options;
  const mark = (name: SwitchEventName, atNs?: bigint | void) => events.push({ name, atNs: atNs ?? nowNs() });
  const old = stack.live;
  const to = otherColour(old.colour);

  const next = await stack.startApp(to);
  mark('new-colour-started');
  await next.healthy();
  mark('new-colour-healthy');
  const oldWorkers = await stack.proxy.workers();
  if (close) {
    if (!stack.proxy.setClosing) throw new Error(`${stack.proxy.kind} cannot close connections around a reload`);
    await stack.proxy.setClosing(true);
    mark('closing-started');
    // Every connection that makes a request meanwhile is told to close after it; the others
    // are idle and will meet the reload's close however long this lasts.
    await sleep(close.beforeMs);
  }
  if (command) {
    // Your deploy step does the proxy's part: rewrite, test, reload, however it does them.
    mark('switch-command-started');
    await runSwitchCommand(command, switchEnv(stack, old.colour, to), `${old.colour} → ${to}`);
    mark('switch-command-ended');
  } else {
    await stack.proxy.writeUpstream(next.colour);
    mark('upstream-written');
    mark('config-tested', await stack.proxy.test());
    mark('reload-signalled', await stack.proxy.reload());
  }
  stack.live = next;

  // Settled at once, so a failing watch cannot become an unhandled rejection during the drain.
  // A proxy without worker processes (Caddy reloads inside its one process) has none to watch.
  // Resolves once, at the first of: new workers seen, the watch ended, the limit below.
  let newWorkersUp!: () => void;
  const upAt = new Promise<number>((r) => (newWorkersUp = () => r(performance.now())));
  const watching = (oldWorkers.length ? watchWorkers(stack, oldWorkers, mark, newWorkersUp) : Promise.resolve())
    .finally(newWorkersUp)
    .then(
      () => null,
      (err: Error) => err,
    );
  const closing = close
    ? sleep(close.afterMs).then(async () => {
        await stack.proxy.setClosing!(false);
        mark('closing-ended');
        return null;
      }, (err: Error) => err)
    : Promise.resolve(null);
  // The drain runs from when the reload has taken effect (the new workers are up), not from the
  // signal: until then the old workers still route new requests to the old colour, and on a busy
  // machine HAProxy's new workers came up 628 ms after SIGUSR2, past the 500 ms drain, so requests
  // met a stopped colour (three 1 s connect retries, then 503) under a fix that loses none.
  // A reload that brings up no new workers (a deploy step that did not reload) waits no longer than
  // RELOAD_EFFECT_LIMIT_MS for them.
  const limit = setTimeout(newWorkersUp, RELOAD_EFFECT_LIMIT_MS);
  const drainFrom = await upAt;
  clearTimeout(limit);
  await sleep(Math.max(0, drainMs - (performance.now() - drainFrom)));
  mark('old-colour-stopping');
  await old.stop();
  mark('old-colour-exited');
  const watchError = (await watching) ?? (await closing);
  if (watchError) throw watchError;
}

/** What a switch command is told: the colours, the ports, and the proxy's own (Proxy.commandEnv). */
function switchEnv(stack: Stack, from: Colour, to: Colour): Record<string, string> {
  return {
    DOWNTIME_FROM_COLOUR: from,
    DOWNTIME_TO_COLOUR: to,
    DOWNTIME_PROXY_PORT: String(stack.proxy.port),
    DOWNTIME_DRIVER: stack.info.driver,
    ...stack.proxy.commandEnv(to),
  };
}

/**
 * Observes the master's children: new generation up, old generation gone. "Gone" asks about
 * each old pid itself: the master's children list can briefly omit live children while
 * others exit, which is exactly what happens during a reload.
 */
async function watchWorkers(stack: Stack, oldWorkers: number[], mark: (n: SwitchEventName) => void, onUp: () => void): Promise<void> {
  const old = new Set(oldWorkers);
  const deadline = performance.now() + WORKER_WATCH_LIMIT_MS;
  let upSeen = false;
  while (performance.now() < deadline) {
    const now = await stack.proxy.workers();
    if (!upSeen && now.filter((p) => !old.has(p)).length >= Math.max(1, old.size)) {
      mark('new-workers-up');
      upSeen = true;
      onUp();
    }
    const alive = await Promise.all([...old].map((pid) => stack.proxy.isWorker(pid)));
    if (!alive.includes(true)) {
      mark('old-workers-gone');
      return;
    }
    await sleep(WORKER_POLL_MS);
  }
}
