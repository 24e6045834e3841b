// One colour of the app as a container, started and stopped the way a deploy job does it:
// `docker run` the new colour, wait for its health check, later `docker stop` (SIGTERM, graceful).
import { CannotMeasure } from '../../errors.ts';
import type { Colour } from '../../records/records.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { healthPath, healthStatus, type RunningApp } from '../apps.ts';
import { docker, dockerOk } from '../../engine/engine.ts';
import type { RunNetwork } from './network.ts';

/** The port every app container listens on; each has an address of its own. */
export const APP_PORT = 8080;

export interface ContainerRef {
  name: string;
  /** the container's main process as this machine sees it (0 if the engine runs elsewhere) */
  pid: number;
}

export async function inspectPid(name: string): Promise<number> {
  return Number(await dockerOk(['inspect', '-f', '{{.State.Pid}}', name], `inspecting ${name}`)) || 0;
}

/** Whether the container still runs, and if not, its last words. */
export async function containerState(name: string): Promise<{ running: boolean; exitCode: number; logs: string }> {
  const r = await docker(['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', name]);
  const [running, exitCode] = r.stdout.trim().split(' ');
  if (running === 'true') return { running: true, exitCode: 0, logs: '' };
  const logs = await docker(['logs', '--tail', '40', name]);
  return { running: false, exitCode: Number(exitCode), logs: `${logs.stdout}${logs.stderr}`.trim() };
}

export async function startAppContainer(
  colour: Colour,
  apps: Scenario['apps'],
  network: RunNetwork,
  name: string,
  labels: string[],
): Promise<RunningApp> {
  const ip = network.ips[colour];
  await dockerOk(
    [
      'run', '-d', '--name', name, ...labels,
      '--network', network.name, '--ip', ip, '--network-alias', colour,
      '-e', `PORT=${APP_PORT}`, '-e', `COLOUR=${colour}`,
      ...appArgs(colour, apps),
    ],
    `starting the ${colour} app container (${apps.image})`,
  );
  const pid = await inspectPid(name);
  let stopping = false;
  // `docker wait` returns when the container exits: unexpected unless stop() asked for it.
  const ended = docker(['wait', name], { timeoutMs: 24 * 3_600_000 }).then(async (r) => {
    if (stopping) return new Promise<string>(() => {});
    const state = await containerState(name);
    return `the ${colour} app container exited unexpectedly (code ${r.stdout.trim() || state.exitCode})${state.logs ? `: ${state.logs}` : ''}`;
  });
  return {
    colour,
    port: APP_PORT,
    pid,
    healthy: () => waitHealthy(colour, name, ip, apps),
    // SIGTERM, then SIGKILL after 10 s, as `docker stop` does by default for a deploy job.
    stop: async () => {
      stopping = true;
      await docker(['stop', '-t', '10', name], { timeoutMs: 30_000 });
    },
    ended,
  };
}

/**
 * The fixture's image gets the fixture's flags; your image runs its own command, or
 * apps.command through sh, with PORT and COLOUR in its environment.
 */
function appArgs(colour: Colour, apps: Scenario['apps']): string[] {
  if (apps.command) return ['--entrypoint', 'sh', apps.image, '-c', apps.command];
  if (!apps.image.startsWith('downtime-app:')) return [apps.image];
  return [
    apps.image,
    '--colour', colour,
    '--port', String(APP_PORT),
    '--host', '0.0.0.0',
    '--delay-ms', String(apps.delayMs),
    '--body-bytes', String(apps.bodyBytes),
    '--healthy-after-ms', String(apps.healthyAfterMs),
  ];
}

async function waitHealthy(colour: Colour, name: string, ip: string, apps: Scenario['apps']): Promise<void> {
  const timeoutMs = apps.healthTimeoutMs;
  const deadline = performance.now() + timeoutMs;
  let polls = 0;
  while (performance.now() < deadline) {
    const status = await healthStatus(APP_PORT, ip, healthPath(apps));
    if (status >= 200 && status < 400) return;
    // Asking the engine costs more than a probe: only every 20th poll.
    if (++polls % 20 === 0) {
      const state = await containerState(name);
      if (!state.running) throw new CannotMeasure(`the ${colour} app container exited (code ${state.exitCode}) before it became healthy:\n${state.logs || '(no output)'}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new CannotMeasure(`the ${colour} app container at ${ip}:${APP_PORT} did not become healthy within ${timeoutMs} ms (apps.healthTimeoutMs)`);
}
