// The load from agents, behind the same handle as the load threads (RunningLoad): a coordinator
// on this machine, N agents started by a scheduler (Swarm) or by you (Kubernetes, by hand), one
// origin on this machine's clock, and at the end every agent's records merged onto it. An agent
// that is lost (killed, never started, no records) fails the run, named: never a smaller sample.
import { CannotMeasure } from '../errors.ts';
import { share, type LoadResult, type RunningLoad } from '../load/generator.ts';
import type { LoadOptions } from '../load/messages.ts';
import type { Log } from '../engine/images.ts';
import { agentName, Coordinator } from './coordinator.ts';
import { mergeAgents } from './merge-agents.ts';
import { swarmScheduler, type AgentScheduler } from './swarm.ts';

export interface AgentsSetting {
  count: number;
  /** swarm: the harness starts them as a Swarm job; external: you start them (a Kubernetes Job) */
  scheduler: 'swarm' | 'external';
  /** where the coordinator listens, host:port */
  listen: string;
  /** how long agents may take to start and say they are ready */
  startTimeoutMs: number;
}

/** Agent k's share (k from 1): connections, rate and request bound split as the threads split them. */
export function agentShare(options: LoadOptions, threads: number | 'auto', agents: number, k: number) {
  const part = (n: number) => (n * share(options.connections, agents, k - 1)) / options.connections;
  const a = options.arrivals;
  return {
    ...options,
    threads,
    connections: share(options.connections, agents, k - 1),
    maxRequests: Math.ceil(options.maxRequests / agents),
    // Each agent its own Poisson stream: the same seed everywhere would send in lockstep.
    arrivals: { ...a, rate: part(a.rate), rampFromRate: part(a.rampFromRate), seed: a.seed + k - 1 },
  };
}

export async function startAgentLoad(
  options: LoadOptions,
  threads: number | 'auto',
  setting: AgentsSetting,
  log: Log,
  signal?: AbortSignal,
): Promise<RunningLoad> {
  if (setting.count > options.connections) {
    throw new CannotMeasure(`load.agents ${setting.count}: more agents than load.connections (${options.connections}); each needs a connection`);
  }
  const coordinator = new Coordinator({ agents: setting.count, listen: setting.listen, loadFor: (k) => agentShare(options, threads, setting.count, k) });
  const scheduler: AgentScheduler =
    setting.scheduler === 'swarm' ? swarmScheduler(log) : { start: async () => {}, stop: async () => {} };
  const cleanUp = async () => {
    await scheduler.stop();
    await coordinator.close();
  };
  let originNs: bigint;
  try {
    const url = await coordinator.listen().catch((err: Error) => {
      throw new CannotMeasure(`load.coordinator ${setting.listen}: cannot listen there (${err.message})`);
    });
    if (setting.scheduler === 'external') log(`agents: waiting for ${setting.count} agents to start with coordinator ${url}`);
    await scheduler.start(setting.count, url, (task, why) => {
      const a = coordinator.agents.find((x) => x.task === task);
      coordinator.lost(a ? `${agentName(a)} ended: ${why}` : `an agent (task ${task}) ended before it said hello: ${why}`, a);
    });
    originNs = await coordinator.release(setting.startTimeoutMs, signal);
  } catch (err) {
    await cleanUp();
    throw err instanceof CannotMeasure ? err : new CannotMeasure(`agents: ${(err as Error).message}`);
  }
  return {
    originNs,
    progress: coordinator,
    endedEarly: coordinator.failure,
    async stop(): Promise<LoadResult> {
      try {
        const agents = await coordinator.collect(options.timeoutMs + 20_000);
        const uploaded = agents.filter((a) => a.upload).map((a) => ({ task: a.task, host: a.host, ...a.upload! }));
        const merged = mergeAgents(uploaded, originNs);
        // No retrying client on agents (the scenario refuses it), so no attempt was hidden.
        return { ...merged, hidden: [], error: coordinator.failedWith ?? undefined };
      } finally {
        await cleanUp();
      }
    },
  };
}
