// The Docker engine, through its CLI: what the Docker driver and the image builder ask of it.
// The CLI rather than the engine's socket API: it is what deploy jobs use, it honours the
// user's DOCKER_HOST and contexts, and its error messages are the ones users know.
import { spawn, spawnSync } from 'node:child_process';
import { CannotMeasure } from '../errors.ts';
import { ownerRuns, processStart } from '../owner.ts';

export const ENGINE_HINT =
  'Install and start it with `npm run setup -- --with-docker` (Debian: apt-get install docker.io, then dockerd), ' +
  'or use the local driver (--driver local).';

/** Every container and network of a run carries these labels, so nothing of it can be missed. */
export const RUN_LABEL = 'downtime-harness.run';
/** `pid:starttime` of the harness process that owns the run (see ownerMark). */
export const OWNER_LABEL = 'downtime-harness.owner';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `docker …`; a command that hangs is killed after `timeoutMs` and reported as failed. */
export function docker(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<DockerResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve) => {
    const child = spawn(process.env.DOCKER_BIN ?? 'docker', args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', (err) =>
      resolve({ code: 127, stdout, stderr: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the docker command was not found' : err.message }),
    );
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 1, stdout, stderr: signal ? `${stderr}(killed: no answer within ${timeoutMs} ms)` : stderr }),
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** `docker …` that must succeed; otherwise CannotMeasure with what it was for and Docker's own words. */
export async function dockerOk(args: string[], what: string, options?: { input?: string; timeoutMs?: number }): Promise<string> {
  const r = await docker(args, options);
  if (r.code !== 0) throw new CannotMeasure(`${what} failed: ${(r.stderr || r.stdout).trim() || `docker exited with ${r.code}`}`);
  return r.stdout.trim();
}

/** The engine's version; CannotMeasure with how to get one when there is none to talk to. */
export async function requireEngine(): Promise<string> {
  const r = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 });
  if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
  const why = (r.stderr || r.stdout).trim().split('\n')[0];
  throw new CannotMeasure(`the Docker engine is not reachable (${why}). ${ENGINE_HINT}`);
}

/** This process as an owner (owner.ts): `pid:starttime`. */
export const ownerMark = (pid = process.pid): string => `${pid}:${processStart(pid) ?? ''}`;

export function ownerAlive(mark: string): boolean {
  const [pid, started] = mark.split(':');
  return /^\d+$/.test(pid) && started !== undefined && started !== '' && ownerRuns(Number(pid), started);
}

/** Removes one run's containers (running or not) and networks. */
export async function removeRun(runId: string): Promise<void> {
  const filter = `label=${RUN_LABEL}=${runId}`;
  const ids = (await docker(['ps', '-aq', '--filter', filter])).stdout.split(/\s+/).filter(Boolean);
  if (ids.length) await docker(['rm', '-f', '-v', ...ids]);
  const nets = (await docker(['network', 'ls', '-q', '--filter', filter])).stdout.split(/\s+/).filter(Boolean);
  if (nets.length) await docker(['network', 'rm', ...nets]);
}

/** The same, synchronously: for process.on('exit'), when a second Ctrl-C ends the harness at once. */
export function removeRunNow(runId: string): void {
  const filter = `label=${RUN_LABEL}=${runId}`;
  const bin = process.env.DOCKER_BIN ?? 'docker';
  const ids = spawnSync(bin, ['ps', '-aq', '--filter', filter], { encoding: 'utf8' }).stdout?.split(/\s+/).filter(Boolean) ?? [];
  if (ids.length) spawnSync(bin, ['rm', '-f', '-v', ...ids]);
  const nets = spawnSync(bin, ['network', 'ls', '-q', '--filter', filter], { encoding: 'utf8' }).stdout?.split(/\s+/).filter(Boolean) ?? [];
  if (nets.length) spawnSync(bin, ['network', 'rm', ...nets]);
}

/**
 * Removes what earlier runs left behind when their harness was killed: every run whose owner
 * process is gone, found by the run's own labels only. Returns the runs removed.
 */
export async function sweepDeadRuns(): Promise<string[]> {
  const runs = new Map<string, string>();
  for (const kind of [['ps', '-a'], ['network', 'ls']]) {
    const r = await docker([...kind, '--filter', `label=${RUN_LABEL}`, '--format', `{{.Label "${RUN_LABEL}"}} {{.Label "${OWNER_LABEL}"}}`]);
    for (const line of r.stdout.split('\n')) {
      const [run, owner] = line.trim().split(' ');
      if (run) runs.set(run, owner ?? '');
    }
  }
  const dead = [...runs].filter(([, owner]) => !ownerAlive(owner)).map(([run]) => run);
  for (const run of dead) await removeRun(run);
  return dead;
}
