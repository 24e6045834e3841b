// The Docker driver: nginx, blue and green as containers on a network of their own, labelled by
// run, so that a stop, an error or the next start after a crash removes every one of them.
import { readdirSync, readFileSync } from 'node:fs';
import type { Colour } from '../../records/records.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { RunningApp } from '../apps.ts';
import { configNote, startInFront, type Stack } from '../stack.ts';
import { startAppContainer } from './app-container.ts';
import { docker, OWNER_LABEL, ownerMark, removeRun, removeRunNow, requireEngine, RUN_LABEL, sweepDeadRuns } from '../../engine/engine.ts';
import { ensureImage } from '../../engine/images.ts';
import { createRunNetwork } from './network.ts';
import { NginxContainer } from './nginx-container.ts';

/** Runs not yet removed: a harness that exits abruptly (a second Ctrl-C) still removes them. */
const activeRuns = new Set<string>();
process.on('exit', () => activeRuns.forEach(removeRunNow));

export async function startDockerStack(scenario: Scenario, log: (line: string) => void = () => {}): Promise<Stack> {
  const engine = await requireEngine();
  const swept = await sweepDeadRuns();
  if (swept.length) log(`removed the containers of ${swept.length} earlier run(s) whose harness had died: ${swept.join(', ')}`);
  for (const image of [scenario.proxy.image, scenario.apps.image]) await ensureImage(image, log);

  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const prefix = `downtime-${runId}`;
  const labels = ['--label', `${RUN_LABEL}=${runId}`, '--label', `${OWNER_LABEL}=${ownerMark()}`];
  const apps = new Set<RunningApp>();
  let started = 0;
  let failed: (why: string) => void = () => {};
  const failure = new Promise<string>((resolve) => (failed = resolve));
  activeRuns.add(runId);
  const stop = async () => {
    // Stopping, not failing: the containers' exits from here on are asked for.
    await Promise.all([...apps].map((a) => a.stop()));
    await removeRun(runId);
    activeRuns.delete(runId);
    apps.clear();
  };
  try {
    const network = await createRunNetwork(prefix, labels);
    const launch = async (colour: Colour) => {
      // A new container per start, as a deploy creates one; the old one is removed with the run.
      const app = await startAppContainer(colour, scenario.apps, network, `${prefix}-${colour}-${++started}`, labels);
      apps.add(app);
      void app.ended.then(failed);
      return app;
    };
    const proxy = new NginxContainer(scenario.proxy, `${prefix}-nginx`, network, labels, scenario.switches.closeAroundReload !== undefined);
    return {
      ...(await startInFront(scenario, proxy, launch, failed)),
      startApp: async (colour) => {
        // The colour's previous container still holds its fixed address until it is removed.
        await removeStopped(prefix, colour);
        return launch(colour);
      },
      stop,
      failure,
      info: {
        driver: 'docker',
        path: trafficPath(proxy.traffic),
        images: { proxy: scenario.proxy.image, apps: scenario.apps.image },
        engine: `Docker ${engine}`,
        config: configNote(scenario),
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function removeStopped(prefix: string, colour: Colour): Promise<void> {
  const r = await docker(['ps', '-aq', '--filter', `name=^${prefix}-${colour}-`, '--filter', 'status=exited']);
  const ids = r.stdout.split(/\s+/).filter(Boolean);
  if (ids.length) await docker(['rm', '-f', ...ids]);
}

/**
 * Which way the load reaches nginx: straight to its address on the run's bridge network, or
 * through the published port, where Docker answers either with its userland proxy (a
 * `docker-proxy` process terminates the client's TCP connection and opens its own to the
 * container) or by NAT alone. They differ in throughput, so the report says which it was.
 */
function trafficPath({ host, port, direct }: NginxContainer['traffic']): string {
  if (direct) return `${host}:${port} → nginx container (its address on the run's Docker bridge network, no proxy or NAT between)`;
  const viaProxy = readdirSync('/proc', { withFileTypes: true }).some((e) => {
    if (!/^\d+$/.test(e.name)) return false;
    try {
      const cmd = readFileSync(`/proc/${e.name}/cmdline`, 'utf8').split('\0');
      return cmd[0].endsWith('docker-proxy') && cmd.includes(String(port)) && cmd.includes('-host-port');
    } catch {
      return false;
    }
  });
  return `127.0.0.1:${port} → ${viaProxy ? 'docker-proxy (Docker\'s userland proxy)' : 'Docker\'s NAT'} → nginx container :80`;
}
