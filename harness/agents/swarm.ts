// Agents run by Docker Swarm, the scheduler built into the engine: one replicated job of N tasks
// on the host network (so agents reach what the coordinator's machine reaches, loopback included
// on a single machine). A swarm is initialised here only if the engine is in none, and left again
// at the end; the service carries the Docker driver's run and owner labels, so a later run
// removes what a killed one left.
import { randomBytes } from 'node:crypto';
import { docker, dockerOk, ownerAlive, ownerMark, OWNER_LABEL, requireEngine, RUN_LABEL } from '../engine/engine.ts';
import { AGENT_IMAGE, ensureImage, type Log } from '../engine/images.ts';

/** How agents come to exist: a scheduler starts them; the coordinator only waits for them. */
export interface AgentScheduler {
  /** Starts `count` agents that talk to `coordinatorUrl`; `lost` gets a task that ended before its upload: its id and why. */
  start(count: number, coordinatorUrl: string, lost: (task: string, why: string) => void): Promise<void>;
  /** Removes every agent (and the swarm, if this scheduler made it); safe to call twice. */
  stop(): Promise<void>;
}

/** Swarm task states that mean the task is over and did not run to completion. */
const ENDED_BADLY = /^(failed|rejected|shutdown|orphaned|remove)/i;
/** Each look is a docker CLI run (tens of ms of CPU): often enough to name a lost agent within seconds. */
const WATCH_EVERY_MS = 2000;

export function swarmScheduler(log: Log, image = AGENT_IMAGE): AgentScheduler {
  const runId = `agents-${randomBytes(4).toString('hex')}`;
  const service = `downtime-${runId}`;
  let joined = false;
  let created = false;
  let watch: NodeJS.Timeout | undefined;
  return {
    async start(count, coordinatorUrl, lost) {
      await requireEngine();
      await sweepDeadServices();
      await ensureImage(image, log);
      const state = (await dockerOk(['info', '--format', '{{.Swarm.LocalNodeState}}'], 'asking the engine for its swarm state')).trim();
      if (state === 'inactive') {
        log('agents: the engine is in no swarm: docker swarm init (left again at the end)');
        await dockerOk(['swarm', 'init', '--advertise-addr', '127.0.0.1'], 'docker swarm init');
        joined = true;
        // Marked as ours, so that a later run leaves it if this one is killed before it can.
        const node = (await docker(['info', '--format', '{{.Swarm.NodeID}}'])).stdout.trim();
        await dockerOk(['node', 'update', '--label-add', `${OWNER_LABEL}=${ownerMark()}`, node], 'marking the swarm as made by this run');
      }
      const labels = [`${RUN_LABEL}=${runId}`, `${OWNER_LABEL}=${ownerMark()}`].flatMap((l) => ['--label', l, '--container-label', l]);
      await dockerOk(
        [
          'service', 'create', '--detach', '--name', service, '--mode', 'replicated-job', '--replicas', String(count),
          '--restart-condition', 'none', '--network', 'host', '--no-resolve-image', ...labels,
          // {{.Task.Slot}} is not the replica number for every task of a job (engine 20.10): the
          // coordinator numbers agents itself and names them by task id.
          '--env', 'DOWNTIME_TASK={{.Task.ID}}', image, coordinatorUrl,
        ],
        `starting ${count} agents as a Swarm job`,
      );
      created = true;
      const reported = new Set<string>();
      watch = setInterval(() => {
        void tasks(service).then((list) => {
          for (const t of list) {
            if (ENDED_BADLY.test(t.state) && !reported.has(t.id)) {
              reported.add(t.id);
              lost(t.id, `${t.state.split(' ')[0].toLowerCase()}${t.error ? `: ${t.error}` : ''}`);
            }
          }
        });
      }, WATCH_EVERY_MS);
    },
    async stop() {
      clearInterval(watch);
      if (created) await removeService(service, runId);
      created = false;
      if (joined) await docker(['swarm', 'leave', '--force'], { timeoutMs: 60_000 });
      joined = false;
    },
  };
}

async function tasks(service: string): Promise<{ id: string; state: string; error: string }[]> {
  const r = await docker(['service', 'ps', '--no-trunc', '--format', '{{.ID}}|{{.CurrentState}}|{{.Error}}', service], { timeoutMs: 20_000 });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, state, error] = line.split('|');
      return { id, state, error: error?.trim() ?? '' };
    });
}

/** The service, then its containers once they are gone (service rm returns before they are). */
async function removeService(service: string, runId: string): Promise<void> {
  await docker(['service', 'rm', service]);
  const filter = `label=${RUN_LABEL}=${runId}`;
  for (let waited = 0; waited < 30_000; waited += 250) {
    const listed = await docker(['ps', '-aq', '--filter', filter]);
    const left = listed.stdout.split(/\s+/).filter(Boolean);
    if (listed.code === 0 && !left.length) return;
    if (waited >= 10_000) await docker(['rm', '-f', ...left]);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Agent services, and a swarm made for them, whose harness is gone (killed before it could remove them). */
async function sweepDeadServices(): Promise<void> {
  const r = await docker(['service', 'ls', '--filter', `label=${RUN_LABEL}`, '--format', '{{.Name}}']);
  for (const name of r.stdout.split('\n').filter((n) => n.startsWith('downtime-agents-'))) {
    const labels = await docker(['service', 'inspect', '--format', `{{index .Spec.Labels "${RUN_LABEL}"}} {{index .Spec.Labels "${OWNER_LABEL}"}}`, name]);
    const [runId, owner] = labels.stdout.trim().split(' ');
    if (runId && !ownerAlive(owner ?? '')) await removeService(name, runId);
  }
  const node = await docker(['node', 'inspect', 'self', '--format', `{{index .Spec.Labels "${OWNER_LABEL}"}}`]);
  const owner = node.code === 0 ? node.stdout.trim() : '';
  if (owner && owner !== '<no value>' && !ownerAlive(owner) && !(await docker(['service', 'ls', '-q'])).stdout.trim()) {
    await docker(['swarm', 'leave', '--force'], { timeoutMs: 60_000 });
  }
}
